const convict = require('convict');

const config = convict({
  env: { doc: 'Environment', format: ['production', 'development'], default: 'development', env: 'NODE_ENV' },
  port: { doc: 'Port to bind', format: 'port', default: 8080, env: 'APP_PORT' },
});
config.validate({ allowed: 'strict' });

module.exports = config;
