import os

from flask import Flask, jsonify
from google.protobuf import struct_pb2

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    s = struct_pb2.Struct()
    s.update({"status": "ok"})
    return jsonify(status=s["status"])


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ["PORT"]))
