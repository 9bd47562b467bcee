module.exports = { port: 5173, host: '0.0.0.0', cache: { port: 6379 } };
