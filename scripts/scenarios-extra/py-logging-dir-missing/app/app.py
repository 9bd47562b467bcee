import logging

from flask import Flask, jsonify

handler = logging.FileHandler("logs/app.log")
handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
log = logging.getLogger("shop")
log.addHandler(handler)
log.setLevel(logging.INFO)

app = Flask(__name__)


@app.get("/healthz")
def health():
    log.info("health checked")
    return jsonify(status="ok")
