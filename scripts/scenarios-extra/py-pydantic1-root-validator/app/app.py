from flask import Flask, jsonify

from models import Window

app = Flask(__name__)
DEFAULT = Window(start=1, end=5)


@app.get("/healthz")
def health():
    return jsonify(status="ok", window=DEFAULT.dict())
