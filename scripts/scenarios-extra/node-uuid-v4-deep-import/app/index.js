const express = require('express');
const uuidv4 = require('uuid/v4');

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.post('/ids', (req, res) => res.json({ id: uuidv4() }));

app.listen(process.env.PORT || 3000);
