const express = require('express');
const charge = require('./src/payments/charge');

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.post('/checkout', express.json(), (req, res) => res.json(charge(req.body)));
app.listen(process.env.PORT || 3000);
