import os
from http.server import BaseHTTPRequestHandler, HTTPServer


def load_defaults():
    import yaml
    return yaml.safe_load("status: ok")


DEFAULTS = load_defaults()


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(('{"status": "%s"}' % DEFAULTS["status"]).encode())


HTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
