const Koa = require('koa');
const Router = require('koa-router');

const app = new Koa();
const router = new Router();

router.get('/healthz', (ctx) => { ctx.body = { status: 'ok' }; });
app.use(router.routes()).use(router.allowedMethods());

app.listen(process.env.PORT || 3000);
