import json
import os
from wsgiref.simple_server import make_server


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"status": "ok"}).encode()]


make_server("0.0.0.0", int(os.environ.get("PORT", "8000")), app).serve_forever()
