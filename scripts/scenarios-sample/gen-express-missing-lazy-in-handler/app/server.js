const express = require('express');

const app = express();

app.get('/healthz', (req, res) => {
  const dayjs = require('dayjs');  // loaded on first request
  dayjs().year();
  res.json({ status: 'ok' });
});

app.listen(Number(process.env.PORT) || 3000, '0.0.0.0', () => console.log('listening'));
