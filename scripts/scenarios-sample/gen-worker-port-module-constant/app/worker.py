import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
LISTEN_ON = 5000
BIND_ADDRESS = "127.0.0.1"

STATE = {"jobs": 0}


def work():
    while True:
        STATE["jobs"] += 1
        time.sleep(0.5)


class Health(BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/healthz"
        body = json.dumps({"status": "ok", "jobs": STATE["jobs"]} if ok else {"error": "not found"}).encode()
        self.send_response(200 if ok else 404)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body)


threading.Thread(target=work, daemon=True).start()


if __name__ == "__main__":
    ThreadingHTTPServer((BIND_ADDRESS, LISTEN_ON), Health).serve_forever()
