"""Settings as an attrs class, read once at start."""
import os

import attr
from flask import Flask, jsonify


@attr.s(frozen=True)
class Settings:
    name = attr.ib(default="inventory")
    page_size = attr.ib(default=50, converter=int)


SETTINGS = Settings(page_size=os.environ.get("PAGE_SIZE", "50"))
app = Flask(__name__)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok", service=SETTINGS.name, page_size=SETTINGS.page_size)
