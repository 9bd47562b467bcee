import express from 'express';
import health from './routes/health';

const app = express();
app.use('/healthz', health);

const PORT = process.env.PORT || 3000;
app.listen(PORT, () => {
  console.log(`API ready on port ${PORT}`);
});
