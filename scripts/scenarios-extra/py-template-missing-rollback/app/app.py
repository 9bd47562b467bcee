from flask import Flask, jsonify, render_template

app = Flask(__name__)


@app.get("/healthz")
def health():
    return jsonify(status="ok")


@app.get("/reports")
def reports():
    return render_template("reports.html", quarter="Q3")
