const http = require('http');
const { now } = require('./lib/time');
http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', at: now() }));
}).listen(process.env.PORT || 3000);
