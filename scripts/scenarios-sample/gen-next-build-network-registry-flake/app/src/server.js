const http = require('http');

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(req.url === '/healthz' ? { status: 'ok', built: BUILD_ID } : { error: 'not found' }));
});

server.listen(Number(process.env.PORT) || 3000, '0.0.0.0', () => console.log('listening'));
