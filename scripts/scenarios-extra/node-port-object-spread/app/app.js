const express = require('express');

const defaults = { port: 8080, name: 'catalog' };
const fileConfig = { name: 'catalog-api' };
const cfg = { ...defaults, ...fileConfig };

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok', service: cfg.name }));
app.listen(cfg.port, () => console.log(`${cfg.name} on ${cfg.port}`));
