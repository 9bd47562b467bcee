import tomllib

from aiohttp import web

with open("settings.toml", "rb") as fh:
    SETTINGS = tomllib.load(fh)


async def health(request):
    return web.json_response({"status": "ok"})


app = web.Application()
app.router.add_get("/healthz", health)

if __name__ == "__main__":
    web.run_app(app, host=SETTINGS["server"]["host"], port=SETTINGS["server"]["port"])
