import http from "http";
import dayjs from "dayjs";

const port = Number(process.env.PORT) || 3000;

http
  .createServer((req, res) => {
    if (req.url === "/healthz") {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ ok: true }));
      return;
    }
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ now: dayjs().toISOString() }));
  })
  .listen(port, () => console.log(`clock-api on ${port}`));
