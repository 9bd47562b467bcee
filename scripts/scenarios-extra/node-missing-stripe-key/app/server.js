const express = require('express');

const required = ['STRIPE_SECRET_KEY'];
for (const name of required) {
  if (!process.env[name]) {
    throw new Error(`Missing required environment variable: ${name}`);
  }
}

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.listen(process.env.PORT || 3000);
