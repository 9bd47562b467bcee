const express = require('express');
const config = require('./config.json');

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok', name: config.name }));
app.listen(process.env.PORT || 3000);
