const express = require('express');
const settings = require('./settings');
const app = express();

app.get('/healthz', (req, res) => {
  res.json({ status: 'ok' });
});

app.listen(settings.port, settings.host, () => console.log('listening'));
