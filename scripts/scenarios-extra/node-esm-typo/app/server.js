import http from 'node:http';
import { greet } from './lib/greetings.js';
http.createServer((req, res) => {
  res.writeHead(200, {'Content-Type': 'application/json'});
  res.end(JSON.stringify(req.url === '/healthz' ? {status: 'ok'} : {msg: greet()}));
}).listen(process.env.PORT);
