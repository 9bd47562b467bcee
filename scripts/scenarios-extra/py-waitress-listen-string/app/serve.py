from flask import Flask, jsonify
from waitress import serve

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


if __name__ == "__main__":
    serve(app, listen="127.0.0.1:8080")
