import asyncio

import tornado.web


class Health(tornado.web.RequestHandler):
    def get(self):
        self.write({"status": "ok"})


async def main():
    app = tornado.web.Application([(r"/healthz", Health)])
    app.listen(8888)
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
