from flask import Flask


def get_app():
    app = Flask("site")

    @app.route("/")
    def home():
        return "ok"

    @app.route("/healthz")
    def healthz():
        return {"ok": True}

    return app
