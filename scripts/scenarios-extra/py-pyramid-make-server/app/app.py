from wsgiref.simple_server import make_server

from pyramid.config import Configurator
from pyramid.view import view_config


@view_config(route_name="health", renderer="json")
def health(request):
    return {"status": "ok"}


if __name__ == "__main__":
    with Configurator() as config:
        config.add_route("health", "/healthz")
        config.scan()
        app = config.make_wsgi_app()
    server = make_server("0.0.0.0", 6543, app)
    server.serve_forever()
