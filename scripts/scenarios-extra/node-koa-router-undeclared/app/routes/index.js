const Router = require('@koa/router');

const router = new Router();
router.get('/healthz', (ctx) => {
  ctx.body = { status: 'ok' };
});
router.get('/notes', (ctx) => {
  ctx.body = [];
});

module.exports = router;
