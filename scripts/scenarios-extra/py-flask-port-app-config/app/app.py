from flask import Flask, jsonify

app = Flask(__name__)
app.config["PORT"] = 5001
app.config["HOST"] = "0.0.0.0"


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


if __name__ == "__main__":
    app.run(host=app.config["HOST"], port=app.config["PORT"])
