import express from 'express';
import config from './config.json';

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok', service: config.serviceName }));

const PORT = process.env.PORT || 3000;
app.listen(PORT, () => console.log(`${config.serviceName} listening on ${PORT}`));
