const Koa = require('koa');
const app = new Koa();

app.use(async (ctx) => {
  if (ctx.path === '/healthz') {
    ctx.body = { status: 'ok' };
    return;
  }
  ctx.status = 404;
});

app.listen(3000, () => console.log('listening on 3000'));
