const fastify = require('fastify')({ logger: true });
const config = { port: 4000, host: '127.0.0.1' };

fastify.get('/healthz', async () => {
  return { status: 'ok' };
});

fastify.listen({ port: config.port, host: config.host }).then(() => console.log('listening'));
