const Koa = require('koa');

const app = new Koa();
app.use(async (ctx) => {
  if (ctx.path === '/healthz') {
    ctx.body = { status: 'ok' };
    return;
  }
  ctx.status = 404;
});

app.listen(process.env.npm_package_config_port);
