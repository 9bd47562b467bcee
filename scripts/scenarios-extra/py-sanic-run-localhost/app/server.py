from sanic import Sanic
from sanic.response import json

app = Sanic("events")


@app.get("/healthz")
async def healthz(request):
    return json({"status": "ok"})


@app.get("/events")
async def events(request):
    return json([])


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=8000, single_process=True)
