const http = require('http');
const LISTEN_ON = 3001;
const BIND = 'localhost';

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(req.url === '/healthz' ? { status: 'ok', built: BUILD_ID } : { error: 'not found' }));
});

server.listen(LISTEN_ON, BIND, () => console.log('listening'));
