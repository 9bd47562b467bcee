import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer
try:
    import ujson as fastjson
except ImportError:  # the fallback is not installed either
    import simplejson as fastjson

ENCODED = fastjson.dumps({})

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/healthz"
        body = json.dumps({"status": "ok"} if ok else {"error": "not found"}).encode()
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    HTTPServer(("0.0.0.0", int(os.environ.get("PORT", "8000"))), Handler).serve_forever()
