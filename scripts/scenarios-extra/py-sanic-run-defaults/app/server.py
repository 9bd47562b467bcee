from sanic import Sanic
from sanic.response import json

app = Sanic("inventory")


@app.get("/healthz")
async def healthz(request):
    return json({"ok": True})


if __name__ == "__main__":
    app.run(single_process=True)
