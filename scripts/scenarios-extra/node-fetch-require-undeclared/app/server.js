const express = require('express');
const fetch = require('node-fetch');

const app = express();

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));

app.get('/upstream', async (req, res) => {
  const r = await fetch('https://example.com/status.json');
  res.json(await r.json());
});

const port = process.env.PORT || 3000;
app.listen(port, () => console.log(`status relay on ${port}`));
