'use strict';
const fastify = require('fastify')({ logger: true });

fastify.get('/healthz', async () => ({ status: 'ok' }));
fastify.get('/notes', async () => ({ notes: [] }));

const start = async () => {
  try {
    await fastify.listen({ port: 8080, host: '127.0.0.1' });
  } catch (err) {
    fastify.log.error(err);
    process.exit(1);
  }
};
start();
