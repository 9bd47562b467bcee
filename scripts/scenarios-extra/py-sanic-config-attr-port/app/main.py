from sanic import Sanic
from sanic.response import json

app = Sanic("inventory")
app.config.PORT = 8000


@app.get("/healthz")
async def healthz(request):
    return json({"status": "ok"})


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=app.config.PORT, single_process=True)
