const express = require("express");

const app = express();
const PORT = process.env.PORT || 8080;

app.get("/healthz", (req, res) => res.json({ ok: true }));

app.listen(8080, () => console.log(`up on ${PORT}`));
