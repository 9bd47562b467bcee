import configparser

from flask import Flask, jsonify

config = configparser.ConfigParser()
config.read("config.ini")

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run(host=config["server"]["host"], port=config.getint("server", "port"))
