from aiohttp import web

import settings


async def healthz(request):
    return web.json_response({"status": "ok"})


app = web.Application()
app.router.add_get("/healthz", healthz)

if __name__ == "__main__":
    web.run_app(app, host=settings.SERVER["host"], port=settings.SERVER["port"])
