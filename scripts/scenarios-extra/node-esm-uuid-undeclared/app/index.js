import http from 'node:http';
import { v4 as uuidv4 } from 'uuid';

const server = http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', request: uuidv4() }));
});

server.listen(process.env.PORT || 3000);
