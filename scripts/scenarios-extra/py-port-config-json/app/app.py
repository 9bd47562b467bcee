import json
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

CONFIG = json.loads((Path(__file__).parent / "config.json").read_text())


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')


def main():
    server = HTTPServer((CONFIG["host"], CONFIG["port"]), Handler)
    server.serve_forever()


if __name__ == "__main__":
    main()
