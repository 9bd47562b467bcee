const fs = require('fs');
const http = require('http');
const log = fs.createWriteStream('logs/access.log', { flags: 'a' });
log.on('error', (err) => { throw err; });
fs.appendFileSync('logs/access.log', `start ${new Date().toISOString()}\n`);
http.createServer((req, res) => {
  log.write(`${req.method} ${req.url}\n`);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end('{"ok":true}');
}).listen(process.env.PORT);
