const http = require('http');

const port = parseInt(process.argv[2], 10) || 8080;

const server = http.createServer((req, res) => {
  if (req.url === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    return res.end(JSON.stringify({ status: 'ok' }));
  }
  res.writeHead(404);
  res.end();
});

server.listen(port, () => console.log('status server on', port));
