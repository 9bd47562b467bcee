from gevent.pywsgi import WSGIServer
from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


if __name__ == "__main__":
    WSGIServer(("127.0.0.1", 5000), app).serve_forever()
