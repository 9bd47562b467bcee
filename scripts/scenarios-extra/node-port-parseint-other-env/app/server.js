const express = require('express');

const port = parseInt(process.env.SERVER_PORT, 10) || 8080;
const app = express();

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));

app.listen(port, '0.0.0.0', () => {
  console.log(`API listening on http://0.0.0.0:${port}`);
});
