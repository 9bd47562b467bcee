const http = require('http');
const ms = require('ms');
http.createServer((req, res) => {
  res.writeHead(200, {'Content-Type': 'application/json'});
  res.end(JSON.stringify({status: 'ok', t: ms(1000)}));
}).listen(8080);
