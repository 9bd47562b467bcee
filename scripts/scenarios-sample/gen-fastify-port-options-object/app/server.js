const fastify = require('fastify')({ logger: true });
const listenOptions = { port: 4000, host: '127.0.0.1' };

fastify.get('/healthz', async () => {
  return { status: 'ok' };
});

fastify.listen(listenOptions).then(() => console.log('listening'));
