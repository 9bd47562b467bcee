import os

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/healthz")
def health():
    return jsonify(status="ok")


@app.get("/api/stock")
def stock():
    return jsonify(warehouse=os.environ["WAREHOUSE"], items=3)
