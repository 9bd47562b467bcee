from flask import Flask, jsonify, request
from slugify import slugify

app = Flask(__name__)
POSTS = {}


@app.route("/healthz")
def healthz():
    return jsonify(status="ok")


@app.post("/posts")
def create_post():
    title = request.json["title"]
    POSTS[slugify(title)] = title
    return jsonify(slug=slugify(title)), 201
