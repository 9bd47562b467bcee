const express = require('express');

const app = express();

app.get('/healthz', (req, res) => {
  res.json({ status: 'ok' });
});

function start(port = 5173, host = '0.0.0.0') {
  app.listen(port, host, () => console.log('listening'));
}

start();
