import os

from flask import Flask, render_template

app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return render_template("status.html", status="ok"), 200, {"Content-Type": "application/json"}


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ["PORT"]))
