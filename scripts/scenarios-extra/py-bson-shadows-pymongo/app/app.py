"""Orders API. Mongo is optional: without MONGODB_URI the service answers from memory."""
import os

from bson import ObjectId
from flask import Flask, jsonify
from pymongo import MongoClient

app = Flask(__name__)
URI = os.environ.get("MONGODB_URI")
orders = MongoClient(URI).shop.orders if URI else None


@app.get("/healthz")
def healthz():
    return jsonify(status="ok", store="mongo" if orders is not None else "memory", sample_id=str(ObjectId()))


if __name__ == "__main__":
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")))
