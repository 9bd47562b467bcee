const express = require('express');
const config = { port: 5173, host: '127.0.0.1' };
const app = express();

app.get('/healthz', (req, res) => {
  res.json({ status: 'ok' });
});

app.listen(config.port, config.host, () => console.log('listening'));
