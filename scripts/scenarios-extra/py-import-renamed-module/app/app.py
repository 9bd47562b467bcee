import os

from flask import Flask, jsonify

from utils import slugify

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok", slug=slugify("Hello World"))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ["PORT"]))
