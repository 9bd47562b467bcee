module.exports = { port: 3001, host: '0.0.0.0', cache: { port: 6379 } };
