import json
import os
from wsgiref.simple_server import make_server


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"ok": True}).encode()]


if __name__ == "__main__":
    port = int(os.environ.get("SERVER_PORT", 8000))
    with make_server("0.0.0.0", port, application) as httpd:
        httpd.serve_forever()
