import os

from flask import Flask, jsonify
from PIL import Image

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    img = Image.new("RGB", (2, 2))
    return jsonify(status="ok", size=img.size)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
