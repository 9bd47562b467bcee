import tornado.ioloop
import tornado.web
from tornado.options import define, options, parse_command_line

define("port", default=8888, help="run on the given port", type=int)


class Health(tornado.web.RequestHandler):
    def get(self):
        self.write({"status": "ok"})


def main():
    parse_command_line()
    app = tornado.web.Application([(r"/healthz", Health)])
    app.listen(options.port)
    tornado.ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
