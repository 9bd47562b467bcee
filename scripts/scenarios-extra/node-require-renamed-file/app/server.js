const http = require('http');
const db = require('./lib/db');

http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', rows: db.count() }));
}).listen(process.env.PORT || 3000, '0.0.0.0');
