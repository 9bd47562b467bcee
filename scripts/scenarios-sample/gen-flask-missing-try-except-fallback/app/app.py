import os

from flask import Flask, jsonify
try:
    import ujson as fastjson
except ImportError:  # the fallback is not installed either
    import simplejson as fastjson

ENCODED = fastjson.dumps({})

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8000")))
