const http = require('http');
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end('{"status":"ok"}');
});
server.listen({ port: 8080, host: '0.0.0.0' }, () => console.log('up'));
