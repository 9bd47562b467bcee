import os

from flask import Flask, jsonify
import click

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@click.command()
@click.option("--port", default=9000)
def main(port):
    app.run(host="0.0.0.0", port=port)


if __name__ == "__main__":
    main()
