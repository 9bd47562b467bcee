import os
from http.server import HTTPServer

from .handlers import Handler

HTTPServer(("0.0.0.0", int(os.environ["PORT"])), Handler).serve_forever()
