const { program } = require('commander');
const express = require('express');

program
  .option('-p, --port <number>', 'port to listen on', '4000')
  .option('--host <host>', 'address to bind', '0.0.0.0')
  .parse(process.argv);

const opts = program.opts();
const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.listen(Number(opts.port), opts.host, () => console.log(`listening on ${opts.host}:${opts.port}`));
