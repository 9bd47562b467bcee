import os

import jwt
from flask import Flask, jsonify

app = Flask(__name__)
SIGNING = "dev-only-not-a-secret"


@app.get("/healthz")
def healthz():
    token = jwt.encode({"ok": True}, SIGNING, algorithm="HS256")
    return jsonify(status="ok", token_length=len(token))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ["PORT"]))
