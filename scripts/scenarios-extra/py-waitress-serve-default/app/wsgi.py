import json


def app(environ, start_response):
    if environ.get("PATH_INFO") == "/healthz":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [json.dumps({"status": "ok"}).encode()]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"not found"]
