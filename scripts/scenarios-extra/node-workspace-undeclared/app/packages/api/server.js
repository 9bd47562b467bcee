const express = require('express');
const { z } = require('zod');

const Item = z.object({ name: z.string(), qty: z.number().int().nonnegative() });
const app = express();
app.use(express.json());
app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.post('/items', (req, res) => {
  const parsed = Item.safeParse(req.body);
  return parsed.success ? res.status(201).json(parsed.data) : res.status(400).json(parsed.error.issues);
});
app.listen(process.env.PORT || 3000);
