const express = require('express');

const ORDERS = [{ id: 1, total: 120 }, { id: 2, total: 80 }];
const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.get('/api/orders', (req, res) => {
  const discounted = ORDERS.map((o) => ({ ...o, total: o.total * (1 - DISCOUNT_RATE) }));
  res.json({ count: discounted.length, orders: discounted });
});
app.listen(process.env.PORT || 3000);
