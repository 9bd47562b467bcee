import os

from flask import Flask, jsonify
DEFAULT_PORT = "9000"

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(DEFAULT_PORT))
