import os

import pandas as pd
from flask import Flask, jsonify

app = Flask(__name__)
FRAME = pd.DataFrame({"n": [1, 2, 3]})


@app.get("/healthz")
def healthz():
    return jsonify(status="ok", total=int(FRAME["n"].sum()))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
