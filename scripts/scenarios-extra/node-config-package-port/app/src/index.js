const config = require('config');
const express = require('express');

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.get('/items', (req, res) => res.json([]));

const port = config.get('server.port');
app.listen(port, () => console.log(`inventory api listening on ${port}`));
