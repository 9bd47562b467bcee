const Koa = require('koa');
const router = require('./routes');

const app = new Koa();
app.use(router.routes()).use(router.allowedMethods());

const port = process.env.PORT || 3000;
app.listen(port, () => console.log(`koa notes on ${port}`));
