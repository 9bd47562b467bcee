import express from 'express';
import helmet from 'helmet';

const app = express();
app.use(helmet());
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));

const port = process.env.PORT ?? 3000;
app.listen(port, () => console.log(`secure api on ${port}`));
