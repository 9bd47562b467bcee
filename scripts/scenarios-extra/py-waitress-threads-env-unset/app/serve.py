import os

from flask import Flask, jsonify
from waitress import serve

app = Flask(__name__)


@app.get("/healthz")
def health():
    return jsonify(status="ok")


if __name__ == "__main__":
    serve(app, host="0.0.0.0", port=int(os.environ["PORT"]), threads=int(os.environ["WAITRESS_THREADS"]))
