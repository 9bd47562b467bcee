import express, { Request, Response } from "express";

const app = express();

app.get("/healthz", (_req: Request, res: Response) => {
  res.json({ status: "ok" });
});

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`ts api on ${port}`));
