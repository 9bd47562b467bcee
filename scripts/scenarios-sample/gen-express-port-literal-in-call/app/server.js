const express = require('express');

const app = express();

app.get('/healthz', (req, res) => {
  res.json({ status: 'ok' });
});

app.listen(5173, '0.0.0.0', () => console.log('listening'));
