from dataclasses import dataclass
from wsgiref.simple_server import make_server


@dataclass
class Settings:
    host: str = "0.0.0.0"
    port: int = 9000


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"status": "ok"}']


if __name__ == "__main__":
    settings = Settings()
    make_server(settings.host, settings.port, app).serve_forever()
