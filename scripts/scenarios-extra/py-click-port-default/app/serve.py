import os

import click
from flask import Flask, jsonify
from waitress import serve

app = Flask(__name__)


@app.get("/healthz")
def health():
    return jsonify(status="ok")


@click.command()
@click.option("--host", default="0.0.0.0")
@click.option("--port", default=lambda: int(os.environ.get("FLASK_RUN_PORT", 5050)), type=int)
def main(host, port):
    serve(app, host=host, port=port)


if __name__ == "__main__":
    main()
