const express = require('express');

const ORDERS = [{ id: 1, total: 120 }, { id: 2, total: 80 }];
const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.get('/api/orders', (req, res) => res.json({ count: ORDERS.length, orders: ORDERS }));
app.listen(process.env.PORT || 3000);
