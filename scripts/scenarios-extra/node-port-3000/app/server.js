const http = require('http');

const port = 3000;
http.createServer((req, res) => {
  res.writeHead(200, {'Content-Type': 'application/json'});
  res.end(JSON.stringify(req.url === '/healthz' ? {status: 'ok'} : {hello: 'x'}));
}).listen(port, () => console.log('listening on ' + port));
