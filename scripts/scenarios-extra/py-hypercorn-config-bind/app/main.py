import asyncio

from hypercorn.asyncio import serve
from hypercorn.config import Config


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": b'{"status": "ok"}'})


config = Config()
config.bind = ["localhost:8000"]

if __name__ == "__main__":
    asyncio.run(serve(app, config))
