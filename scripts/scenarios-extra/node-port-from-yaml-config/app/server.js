const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');
const express = require('express');

const config = yaml.load(fs.readFileSync(path.join(__dirname, 'config.yml'), 'utf8'));
const app = express();

app.get('/healthz', (req, res) => res.json({ status: 'ok', name: config.server.name }));

app.listen(config.server.port, () => console.log(`listening on ${config.server.port}`));
