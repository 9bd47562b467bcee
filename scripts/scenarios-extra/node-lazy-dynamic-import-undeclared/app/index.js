const express = require('express');

const app = express();

app.get('/healthz', async (req, res, next) => {
  try {
    const { nanoid } = await import('nanoid');
    res.json({ status: 'ok', request: nanoid(8) });
  } catch (err) {
    next(err);
  }
});

app.listen(process.env.PORT || 3000);
