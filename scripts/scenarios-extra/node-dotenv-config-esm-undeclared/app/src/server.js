import 'dotenv/config';
import express from 'express';

const app = express();
const port = Number(process.env.PORT) || 3000;

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.get('/', (req, res) => res.send(process.env.GREETING || 'hello'));

app.listen(port, () => console.log(`listening on ${port}`));
