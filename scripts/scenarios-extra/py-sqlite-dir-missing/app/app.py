import json
import os
import sqlite3
from http.server import BaseHTTPRequestHandler, HTTPServer

DB = sqlite3.connect("data/app.db", check_same_thread=False)
DB.execute("create table if not exists hits (n integer)")


class H(BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps({"ok": True}).encode())


HTTPServer(("0.0.0.0", int(os.environ["PORT"])), H).serve_forever()
