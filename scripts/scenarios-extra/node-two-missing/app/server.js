const http = require('http');
const ms = require('ms');
const isNumber = require('is-number');
http.createServer((req, res) => {
  res.writeHead(200, {'Content-Type': 'application/json'});
  res.end(JSON.stringify({status: 'ok', t: ms(1000), n: isNumber(3)}));
}).listen(process.env.PORT);
