from flask import Flask, jsonify


def create_app() -> Flask:
    app = Flask(__name__)

    @app.route("/healthz")
    def healthz():
        return jsonify(ok=True)

    return app
