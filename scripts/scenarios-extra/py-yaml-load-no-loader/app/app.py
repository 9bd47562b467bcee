import os

import yaml
from flask import Flask, jsonify

with open("config.yml") as f:
    CONFIG = yaml.load(f)

app = Flask(__name__)


@app.route("/healthz")
def healthz():
    return jsonify(status="ok", name=CONFIG["name"])


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
