from flask import Flask, jsonify

application = Flask(__name__)


@application.get("/healthz")
def healthz():
    return jsonify(status="ok")
