const express = require('express');

if (!process.env.DATABASE_URL) {
  console.error('DATABASE_URL is not set');
  process.exit(1);
}

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.listen(process.env.PORT || 3000);
