from flask import Flask, jsonify

app = Flask(__name__)


def get_port():
    return 8000


@app.route("/healthz")
def healthz():
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=get_port())
