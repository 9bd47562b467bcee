from quart import Quart, jsonify

app = Quart(__name__)


@app.route("/healthz")
async def healthz():
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run()
