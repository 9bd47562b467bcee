const fastify = require('fastify')({ logger: true });

fastify.get('/healthz', async () => {
  return { status: 'ok' };
});

function start(port = 4000, host = '0.0.0.0') {
  fastify.listen({ port: port, host: host }).then(() => console.log('listening'));
}

start();
