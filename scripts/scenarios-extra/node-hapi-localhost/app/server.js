'use strict';
const Hapi = require('@hapi/hapi');

const init = async () => {
  const server = Hapi.server({ port: 3000, host: 'localhost' });
  server.route({ method: 'GET', path: '/healthz', handler: () => ({ status: 'ok' }) });
  await server.start();
  console.log('Server running on %s', server.info.uri);
};

init();
