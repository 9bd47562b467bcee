const express = require('express');
const path = require('path');

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.use(express.static(path.join(__dirname, 'public')));
app.get('*', (req, res) => res.sendFile(path.join(__dirname, 'public', 'index.html')));

const port = process.env.PORT || 8080;
app.listen(port, () => console.log(`spa host on ${port}`));
