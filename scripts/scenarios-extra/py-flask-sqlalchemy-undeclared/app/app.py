import os

from flask import Flask, jsonify

from models import Todo, db


def create_app():
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("DATABASE_URL", "sqlite:///todos.db")
    db.init_app(app)
    with app.app_context():
        db.create_all()

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.get("/todos")
    def todos():
        return jsonify([t.title for t in Todo.query.all()])

    return app
