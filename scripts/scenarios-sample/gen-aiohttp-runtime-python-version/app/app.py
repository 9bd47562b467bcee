import os

from aiohttp import web



async def healthz(request):
    return web.json_response({"status": "ok"})


app = web.Application()
app.router.add_get("/healthz", healthz)


if __name__ == "__main__":
    web.run_app(app, host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
