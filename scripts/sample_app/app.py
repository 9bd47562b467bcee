"""Greeting service: answers GET /healthz and GET /api/greeting from greetings.yaml."""
import json
import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import yaml  # PyYAML is missing from requirements.txt: the first deploy fails

with open(os.path.join(os.path.dirname(__file__), "greetings.yaml"), encoding="utf-8") as fh:
    GREETINGS = yaml.safe_load(fh)


class Handler(BaseHTTPRequestHandler):
    def _json(self, status, payload):
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path == "/healthz":
            self._json(200, {"status": "ok"})
        elif self.path.startswith("/api/greeting"):
            self._json(200, {"greeting": GREETINGS.get(os.environ.get("LANG_CODE", "en"), "hello")})
        else:
            self._json(404, {"error": "not found"})

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    port = int(os.environ["PORT"])
    print(f"greeting service on 127.0.0.1:{port}", flush=True)
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()
