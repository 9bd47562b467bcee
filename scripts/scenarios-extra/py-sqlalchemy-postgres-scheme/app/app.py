from flask import Flask, jsonify

from db import engine

app = Flask(__name__)


@app.get("/healthz")
def health():
    return jsonify(status="ok", dialect=engine.dialect.name)
