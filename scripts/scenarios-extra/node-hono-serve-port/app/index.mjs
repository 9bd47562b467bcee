import { Hono } from 'hono';
import { serve } from '@hono/node-server';

const app = new Hono();
app.get('/healthz', (c) => c.json({ status: 'ok' }));

serve({ fetch: app.fetch, port: 8787 }, (info) => {
  console.log(`Listening on http://localhost:${info.port}`);
});
