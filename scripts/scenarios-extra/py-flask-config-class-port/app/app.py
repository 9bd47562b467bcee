from flask import Flask, jsonify

from config import Config

app = Flask(__name__)
app.config.from_object(Config)


@app.get("/healthz")
def health():
    return jsonify(status="ok", greeting=app.config["GREETING"])


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=app.config["PORT"])
