import os
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{\"status\": \"ok\"}")


port = int(os.environ.get("APP_PORT", "7000"))
ThreadingHTTPServer(("", port), Handler).serve_forever()
