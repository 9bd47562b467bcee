const express = require('express');
const app = express();

app.get('/healthz', (req, res) => {
  res.json({ status: 'ok' });
});

app.listen(80, () => {
  console.log('API ready on port 80');
});
