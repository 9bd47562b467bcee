function loadConfig() {
  return {
    server: { port: 4000, logLevel: 'info' },
    features: { beta: false },
  };
}

module.exports = { loadConfig };
