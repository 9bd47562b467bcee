import requests
from flask import Flask, jsonify

app = Flask(__name__)
SESSION = requests.Session()


@app.get("/healthz")
def health():
    return jsonify(status="ok", agent=SESSION.headers.get("User-Agent", ""))
