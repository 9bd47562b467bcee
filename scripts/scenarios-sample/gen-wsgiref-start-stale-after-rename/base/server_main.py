import json
import os
from wsgiref.simple_server import make_server



def app(environ, start_response):
    ok = environ.get("PATH_INFO") == "/healthz"
    start_response("200 OK" if ok else "404 Not Found", [("Content-Type", "application/json")])
    return [json.dumps({"status": "ok"} if ok else {"error": "not found"}).encode()]


if __name__ == "__main__":
    make_server("0.0.0.0", int(os.environ.get("PORT", "8000")), app).serve_forever()
