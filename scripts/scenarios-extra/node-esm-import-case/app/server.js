import express from 'express';
import { db } from './lib/db.js';

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok', items: db.items().length }));
app.listen(process.env.PORT || 3000);
