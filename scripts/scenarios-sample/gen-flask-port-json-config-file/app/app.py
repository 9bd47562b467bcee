import os

from flask import Flask, jsonify
import json as _json
import os.path as _path

CONFIG = _json.load(open(_path.join(_path.dirname(_path.abspath(__file__)), "config.json")))

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run(host=CONFIG["host"], port=CONFIG["port"])
