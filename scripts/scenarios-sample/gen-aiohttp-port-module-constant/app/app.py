import os

from aiohttp import web
LISTEN_ON = 8081
BIND_ADDRESS = "127.0.0.1"


async def healthz(request):
    return web.json_response({"status": "ok"})


app = web.Application()
app.router.add_get("/healthz", healthz)


if __name__ == "__main__":
    web.run_app(app, host=BIND_ADDRESS, port=LISTEN_ON)
