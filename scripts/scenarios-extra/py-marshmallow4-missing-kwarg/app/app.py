from flask import Flask, jsonify, request

from schemas import TaskSchema

app = Flask(__name__)
task_schema = TaskSchema()


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


@app.post("/tasks")
def create_task():
    return jsonify(task_schema.load(request.json)), 201
