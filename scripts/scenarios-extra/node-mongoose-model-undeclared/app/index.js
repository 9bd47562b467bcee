const express = require('express');
const User = require('./models/user');

const app = express();
app.use(express.json());

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.get('/users/schema', (req, res) => res.json(Object.keys(User.schema.paths)));

const PORT = process.env.PORT || 5000;
app.listen(PORT, () => console.log(`users api on ${PORT}`));
