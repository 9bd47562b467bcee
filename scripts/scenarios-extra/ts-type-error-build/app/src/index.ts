import express from 'express';

function retries(limit: number): number {
  return Math.max(1, limit);
}

const app = express();
const port: number = Number(process.env.PORT) || 3000;
const attempts: number = retries(process.env.RETRIES ?? '3');

app.get('/healthz', (_req, res) => res.json({ status: 'ok', attempts }));
app.listen(port);
