import requests
from flask import Flask, jsonify

app = Flask(__name__)
SESSION = requests.Session()


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.get("/forecast/<city>")
def forecast(city):
    r = SESSION.get(f"https://wttr.in/{city}?format=j1", timeout=5)
    return jsonify(r.json())
