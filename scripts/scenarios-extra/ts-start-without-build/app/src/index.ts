import { createServer } from "http";

const port = Number(process.env.PORT ?? 3000);

createServer((req, res) => {
  if (req.url === "/healthz") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ status: "ok" }));
    return;
  }
  res.writeHead(404);
  res.end();
}).listen(port, () => console.log(`ping service on ${port}`));
