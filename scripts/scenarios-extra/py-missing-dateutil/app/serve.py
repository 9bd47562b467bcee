import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

from lib.dates import normalise


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        body = {"ok": True} if self.path == "/healthz" else {"date": normalise("2024-01-02 03:04")}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Handler).serve_forever()
