import os

import yaml
from flask import Flask, jsonify

SETTINGS = yaml.safe_load("""
greeting: hello
limits:
  per_minute: 60
""")

app = Flask(__name__)


@app.route("/healthz")
def healthz():
    return jsonify(status="ok", greeting=SETTINGS["greeting"])


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
