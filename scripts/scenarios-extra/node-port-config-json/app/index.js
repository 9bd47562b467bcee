const http = require('http');
const config = require('./config.json');

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok' }));
});

server.listen(config.server.port, () => console.log(`listening on ${config.server.port}`));
