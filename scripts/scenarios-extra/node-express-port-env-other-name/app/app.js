const express = require('express');
const app = express();

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));

const port = process.env.SERVER_PORT || 8080;
app.listen(port, () => console.log(`listening on ${port}`));
