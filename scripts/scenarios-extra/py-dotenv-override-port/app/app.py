import os

from dotenv import load_dotenv
from flask import Flask, jsonify

load_dotenv(override=True)

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok", greeting=os.environ.get("GREETING", "hi"))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ["PORT"]))
