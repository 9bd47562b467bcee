require('dotenv').config({ override: true });
const express = require('express');

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok', level: process.env.LOG_LEVEL }));

app.listen(process.env.PORT, () => console.log(`up on ${process.env.PORT}`));
