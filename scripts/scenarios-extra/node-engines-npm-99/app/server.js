const http = require('http');
const ms = require('ms');
http.createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ ok: true, uptime: ms(process.uptime() * 1000) }));
}).listen(process.env.PORT || 3000);
