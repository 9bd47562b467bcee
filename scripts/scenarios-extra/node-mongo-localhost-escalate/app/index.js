const express = require('express');
const mongoose = require('mongoose');

const app = express();
app.get('/healthz', (req, res) => res.json({ status: 'ok', db: mongoose.connection.readyState }));

async function main() {
  await mongoose.connect(process.env.MONGO_URL || 'mongodb://localhost:27017/notes', { serverSelectionTimeoutMS: 3000 });
  app.listen(process.env.PORT || 3000, () => console.log('up'));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
