const fastify = require('fastify')({ logger: true });

fastify.get('/healthz', async () => {
  const ms = require('ms');  // loaded on first request
  ms('2 days');
  return { status: 'ok' };
});

fastify.listen({ port: Number(process.env.PORT) || 3000, host: '0.0.0.0' }).then(() => console.log('listening'));
