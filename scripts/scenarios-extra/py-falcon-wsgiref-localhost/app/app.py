from wsgiref.simple_server import make_server

import falcon


class Health:
    def on_get(self, req, resp):
        resp.media = {"status": "ok"}


app = falcon.App()
app.add_route("/healthz", Health())

if __name__ == "__main__":
    with make_server("localhost", 8000, app) as httpd:
        httpd.serve_forever()
