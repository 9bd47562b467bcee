import os

from flask import Flask, jsonify

from models import User

app = Flask(__name__)
db = {"users": []}


@app.get("/healthz")
def healthz():
    return jsonify(status="ok", model=User.__name__)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ["PORT"]))
