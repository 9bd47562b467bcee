const http = require('http');
const Boom = require('@hapi/boom');
http.createServer((req, res) => {
  const notFound = Boom.notFound('nope');
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', example: notFound.output.statusCode }));
}).listen(process.env.PORT || 3000, '0.0.0.0');
