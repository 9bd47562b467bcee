from aiohttp import web


async def healthz(request):
    return web.json_response({"status": "ok"})


async def items(request):
    return web.json_response([])


app = web.Application()
app.router.add_get("/healthz", healthz)
app.router.add_get("/items", items)
