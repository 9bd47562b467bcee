const fastify = require('fastify')({ logger: false });

fastify.get('/healthz', async () => ({ status: 'ok' }));

async function start(port = 5050) {
  await fastify.listen({ port, host: '0.0.0.0' });
  console.log(`listening on ${port}`);
}

start().catch((err) => {
  console.error(err);
  process.exit(1);
});
