const http = require('http');
const { v4: uuid } = require('uuid');
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', id: uuid() }));
}).listen(process.env.PORT || 3000, '0.0.0.0');
