const fs = require('fs');
const express = require('express');
const YAML = require('yaml');

const flags = YAML.parse(fs.readFileSync(__dirname + '/flags.yml', 'utf8'));
const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.get('/flags', (req, res) => res.json(flags));
app.listen(4000, () => console.log('flags on 4000'));
