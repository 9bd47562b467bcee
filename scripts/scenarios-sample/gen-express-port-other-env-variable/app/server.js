const express = require('express');

const app = express();

app.get('/healthz', (req, res) => {
  res.json({ status: 'ok' });
});

app.listen(Number(process.env.APP_PORT || 5173), '0.0.0.0', () => console.log('listening'));
