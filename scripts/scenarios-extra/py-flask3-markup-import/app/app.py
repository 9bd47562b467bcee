import os

from flask import Flask, Markup, jsonify

app = Flask(__name__)
BANNER = Markup("<b>hello</b>")


@app.route("/healthz")
def healthz():
    return jsonify(status="ok")


@app.route("/")
def index():
    return BANNER


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
