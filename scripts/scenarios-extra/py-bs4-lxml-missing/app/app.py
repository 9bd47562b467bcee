import os

from bs4 import BeautifulSoup
from flask import Flask, jsonify

TITLE = BeautifulSoup("<html><title>ok</title></html>", "lxml").title.string

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status=TITLE)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ["PORT"]))
