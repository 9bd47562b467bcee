from flask import Flask, jsonify
from flask_cors import CORS

app = Flask(__name__)
CORS(app, resources={r"/api/*": {"origins": "*"}})


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.get("/api/quotes")
def quotes():
    return jsonify(["stay hungry"])
