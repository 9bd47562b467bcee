const http = require('http');
const chalk = require('chalk');

http.createServer((req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ status: 'ok' }));
}).listen(process.env.PORT || 3000, '0.0.0.0', () => console.log(chalk.green('up')));
