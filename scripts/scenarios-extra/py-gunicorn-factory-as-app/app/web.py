from flask import Flask


def create_app():
    app = Flask(__name__)

    @app.get("/")
    def index():
        return "hello"

    @app.get("/healthz")
    def health():
        return {"status": "ok"}

    return app
