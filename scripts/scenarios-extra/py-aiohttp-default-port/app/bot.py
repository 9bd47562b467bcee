from aiohttp import web


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def build() -> web.Application:
    app = web.Application()
    app.router.add_get("/healthz", healthz)
    return app


if __name__ == "__main__":
    web.run_app(build())
