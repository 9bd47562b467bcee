const express = require('express');
const config = require('./config');

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok', env: config.get('env') }));
app.listen(config.get('port'), () => console.log(`listening on ${config.get('port')}`));
