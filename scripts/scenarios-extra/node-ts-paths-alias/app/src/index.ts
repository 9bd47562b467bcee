import express from 'express';
import { greet } from '@/lib/greet';

const app = express();
app.get('/healthz', (_req, res) => res.json({ status: 'ok', greeting: greet('ops') }));
app.listen(Number(process.env.PORT) || 3000);
