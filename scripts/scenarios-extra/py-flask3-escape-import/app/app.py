import os

from flask import Flask, escape, jsonify, request

app = Flask(__name__)


@app.route("/healthz")
def healthz():
    return jsonify(status="ok")


@app.route("/hello")
def hello():
    name = request.args.get("name", "world")
    return f"Hello, {escape(name)}!"


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
