import yaml
from flask import Flask, jsonify

app = Flask(__name__)
DEFAULTS = yaml.safe_load("shelves: 4\nbins: 12\n")


@app.get("/healthz")
def health():
    return jsonify(status="ok", shelves=DEFAULTS["shelves"])
