from flask import Flask, jsonify

from settings import DEBUG, HOST, PORT

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run(host=HOST, port=PORT, debug=DEBUG)
