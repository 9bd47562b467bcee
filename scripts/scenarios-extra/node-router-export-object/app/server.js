const express = require('express');
const api = require('./routes/api');

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.use('/api', api);
app.listen(process.env.PORT || 3000);
