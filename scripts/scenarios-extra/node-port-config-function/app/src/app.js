const express = require('express');
const { loadConfig } = require('./config');

const config = loadConfig();
const app = express();

app.get('/healthz', (req, res) => res.json({ status: 'ok', beta: config.features.beta }));

app.listen(config.server.port, () => console.log(`[${config.server.logLevel}] up on ${config.server.port}`));
