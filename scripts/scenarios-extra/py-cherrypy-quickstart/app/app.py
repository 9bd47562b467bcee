import cherrypy


class Root:
    @cherrypy.expose
    @cherrypy.tools.json_out()
    def healthz(self):
        return {"status": "ok"}


if __name__ == "__main__":
    cherrypy.quickstart(Root())
