import json
import os
from wsgiref.simple_server import make_server
import argparse


def app(environ, start_response):
    ok = environ.get("PATH_INFO") == "/healthz"
    start_response("200 OK" if ok else "404 Not Found", [("Content-Type", "application/json")])
    return [json.dumps({"status": "ok"} if ok else {"error": "not found"}).encode()]


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--host", default="0.0.0.0")
    args = parser.parse_args()
    make_server(args.host, args.port, app).serve_forever()
