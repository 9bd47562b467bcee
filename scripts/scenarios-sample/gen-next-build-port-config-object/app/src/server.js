const http = require('http');
const config = { port: 3001, host: '127.0.0.1' };

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(req.url === '/healthz' ? { status: 'ok', built: BUILD_ID } : { error: 'not found' }));
});

server.listen(config.port, config.host, () => console.log('listening'));
