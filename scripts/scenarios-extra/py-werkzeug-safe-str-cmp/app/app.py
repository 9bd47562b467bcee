from flask import Flask, jsonify
from werkzeug.security import safe_str_cmp

app = Flask(__name__)
USERS = {"admin": "s3cret"}


def check(user, password):
    return user in USERS and safe_str_cmp(USERS[user], password)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")
