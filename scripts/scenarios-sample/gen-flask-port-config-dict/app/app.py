import os

from flask import Flask, jsonify
SETTINGS = {"host": "127.0.0.1", "port": 9000, "debug": False}

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run(host=SETTINGS.get("host"), port=SETTINGS["port"])
