import os

from flask import Flask, jsonify
from sqlalchemy import create_engine

engine = create_engine(os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok", dialect=engine.dialect.name)


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ["PORT"]))
