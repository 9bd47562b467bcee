import os

import yaml
from flask import Flask, jsonify

with open("settings.yaml") as fh:
    SETTINGS = yaml.safe_load(fh)

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok", name=SETTINGS["name"])


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ["PORT"]))
