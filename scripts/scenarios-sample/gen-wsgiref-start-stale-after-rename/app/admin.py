"""Metrics sidecar: Prometheus text for the scraper on its fixed port (not the web process)."""
import http.server

COUNTERS = {"requests_total": 0}


class Metrics(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        lines = [f"{name} {value}" for name, value in COUNTERS.items()]
        self.send_response(200)
        self.end_headers()
        self.wfile.write("\n".join(lines).encode())


if __name__ == "__main__":
    http.server.HTTPServer(("", 9100), Metrics).serve_forever()
