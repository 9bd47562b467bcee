import os

import pkg_resources
from flask import Flask, jsonify

app = Flask(__name__)
FLASK_VERSION = pkg_resources.get_distribution("flask").version


@app.route("/healthz")
def healthz():
    return jsonify(status="ok", flask=FLASK_VERSION)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
