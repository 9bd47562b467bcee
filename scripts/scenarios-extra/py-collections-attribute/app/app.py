from flask import Flask, jsonify

from util import merge

app = Flask(__name__)
SETTINGS = merge({"cache": {"ttl": 60}}, {"cache": {"size": 10}})


@app.get("/healthz")
def health():
    return jsonify(status="ok", cache=SETTINGS["cache"])
