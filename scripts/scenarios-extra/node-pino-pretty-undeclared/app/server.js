const express = require('express');
const pino = require('pino');

const logger = pino({ transport: { target: 'pino-pretty', options: { colorize: true } } });
const app = express();

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));

app.listen(process.env.PORT || 3000, () => logger.info('listening'));
