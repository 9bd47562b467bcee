const express = require('express');

const HOST = '127.0.0.1';
const PORT = 8080;

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));

app.listen(PORT, HOST, () => console.log(`listening on http://${HOST}:${PORT}`));
