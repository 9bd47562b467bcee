import http from 'node:http';
import ms from 'ms';

http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok', uptime: ms(1000) }));
}).listen(process.env.PORT || 3000);
