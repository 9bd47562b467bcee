import asyncio

import tornado.web


class Health(tornado.web.RequestHandler):
    def get(self):
        self.write({"ok": True})


async def main():
    app = tornado.web.Application([(r"/healthz", Health)])
    app.listen(8888, address="127.0.0.1")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
