const express = require('express');
const lodash = require('lodash');
const STARTED = lodash.chunk([1, 2], 1);
const app = express();

app.get('/healthz', (req, res) => {
  res.json({ status: 'ok' });
});

app.listen(Number(process.env.PORT) || 3000, '0.0.0.0', () => console.log('listening'));
