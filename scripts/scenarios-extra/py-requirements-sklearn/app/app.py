import os

from flask import Flask, jsonify
from sklearn.linear_model import LinearRegression

MODEL = LinearRegression().fit([[0], [1], [2]], [1, 3, 5])

app = Flask(__name__)


@app.route("/healthz")
def healthz():
    return jsonify(status="ok", slope=round(float(MODEL.coef_[0]), 3))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
