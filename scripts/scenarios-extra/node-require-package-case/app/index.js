const express = require('Express');

const app = express();
const port = process.env.PORT || 3000;

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));

app.listen(port, () => console.log(`listening on ${port}`));
