const http = require('http');
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', env: process.env.NODE_ENV }));
}).listen(process.env.PORT || 3000, '0.0.0.0');
