import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer

os.environ["PORT"] = "8000"  # local default


class H(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"ok": True}).encode())


HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
