from flask import Flask, jsonify

from stats import score

app = Flask(__name__)


@app.get("/healthz")
def health():
    return jsonify(status="ok", score=score([0.5, 0.9]))
