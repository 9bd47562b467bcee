const express = require('express');

class Server {
  constructor() {
    this.app = express();
    this.port = 8080;
    this.routes();
  }

  routes() {
    this.app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
    this.app.get('/', (req, res) => res.json({ hello: 'world' }));
  }

  start() {
    this.app.listen(this.port, () => {
      console.log(`Server running on port ${this.port}`);
    });
  }
}

new Server().start();
