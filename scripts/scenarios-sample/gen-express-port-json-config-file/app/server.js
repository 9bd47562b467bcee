const express = require('express');
const config = require('./config.json');
const app = express();

app.get('/healthz', (req, res) => {
  res.json({ status: 'ok' });
});

app.listen(config.server.port, '0.0.0.0', () => console.log('listening'));
