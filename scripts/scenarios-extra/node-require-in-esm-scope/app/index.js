const http = require('http');
const { greet } = require('./greet');

http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', hello: greet('render') }));
}).listen(process.env.PORT || 3000, '0.0.0.0');
