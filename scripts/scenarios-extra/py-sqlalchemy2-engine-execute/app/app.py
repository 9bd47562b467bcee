import os

from flask import Flask, jsonify
from sqlalchemy import create_engine

engine = create_engine(os.environ.get("DATABASE_URL", "sqlite:///data.db"))
engine.execute("CREATE TABLE IF NOT EXISTS visits (id INTEGER PRIMARY KEY, path TEXT)")

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.get("/visits")
def visits():
    rows = engine.execute("SELECT count(*) FROM visits").fetchall()
    return jsonify(count=rows[0][0])
