import os

from flask import Flask, jsonify
from importlib_metadata import version

app = Flask(__name__)


@app.route("/healthz")
def healthz():
    return jsonify(status="ok", flask=version("flask"))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
