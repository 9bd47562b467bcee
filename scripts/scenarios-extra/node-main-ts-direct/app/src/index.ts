import express, { Request, Response } from 'express';

const app = express();
const port: number = Number(process.env.PORT) || 3000;

app.get('/healthz', (_req: Request, res: Response) => {
  res.json({ status: 'ok' });
});

app.listen(port, () => console.log(`listening on ${port}`));
