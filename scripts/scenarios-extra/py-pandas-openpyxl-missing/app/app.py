import io

import pandas as pd
from flask import Flask, jsonify

app = Flask(__name__)

REPORT = io.BytesIO()
pd.DataFrame({"sku": ["A-1", "B-2"], "price": [9.5, 12.0]}).to_excel(REPORT, index=False)


@app.get("/healthz")
def health():
    return jsonify(status="ok", report_bytes=REPORT.getbuffer().nbytes)
