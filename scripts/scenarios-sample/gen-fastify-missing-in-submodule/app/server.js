const fastify = require('fastify')({ logger: true });
const { describe } = require('./lib/describe');
const DESCRIPTION = describe();

fastify.get('/healthz', async () => {
  return { status: 'ok' };
});

fastify.listen({ port: Number(process.env.PORT) || 3000, host: '0.0.0.0' }).then(() => console.log('listening'));
