const http = require('http');
const settings = require('../settings');

const server = http.createServer((req, res) => {
  res.writeHead(req.url === '/healthz' ? 200 : 404, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(req.url === '/healthz' ? { status: 'ok', built: BUILD_ID } : { error: 'not found' }));
});

server.listen(settings.port, settings.host, () => console.log('listening'));
