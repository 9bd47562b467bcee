from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
CORS(app)


@app.get("/healthz")
def health():
    return jsonify(status="ok")
