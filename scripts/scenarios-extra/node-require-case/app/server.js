const http = require('http');
const { greet } = require('./lib/Greeting');
http.createServer((req, res) => {
  res.writeHead(200, {'Content-Type': 'application/json'});
  res.end(JSON.stringify(req.url === '/healthz' ? {status: 'ok'} : {msg: greet()}));
}).listen(process.env.PORT);
