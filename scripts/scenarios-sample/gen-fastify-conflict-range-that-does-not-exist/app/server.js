const fastify = require('fastify')({ logger: true });
const dayjs = require('dayjs');
const STARTED = dayjs().year();

fastify.get('/healthz', async () => {
  return { status: 'ok' };
});

fastify.listen({ port: Number(process.env.PORT) || 3000, host: '0.0.0.0' }).then(() => console.log('listening'));
