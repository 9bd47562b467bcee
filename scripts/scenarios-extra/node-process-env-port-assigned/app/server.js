const http = require('http');

process.env.PORT = 3000;

http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end('{"ok":true}');
}).listen(process.env.PORT, () => console.log(`up on ${process.env.PORT}`));
