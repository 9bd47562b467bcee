const http = require('http');
const ms = require('ms');
const port = process.env.PORT;
http.createServer((req, res) => {
  res.writeHead(200, {'Content-Type': 'application/json'});
  res.end(JSON.stringify(req.url === '/healthz' ? {status: 'ok'} : {hello: ms(60000)}));
}).listen(port, () => console.log('listening on ' + port));
