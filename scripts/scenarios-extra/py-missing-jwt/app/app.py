import os

import jwt
from flask import Flask, jsonify

app = Flask(__name__)
SECRET = "dev-only-signing-key"


@app.get("/healthz")
def healthz():
    return jsonify(ok=True)


@app.get("/token")
def token():
    return jsonify(token=jwt.encode({"sub": "demo"}, SECRET, algorithm="HS256"))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
