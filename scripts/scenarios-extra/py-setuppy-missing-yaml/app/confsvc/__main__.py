import os

import bottle
import yaml

DEFAULTS = yaml.safe_load("""
feature_flags:
  beta: false
""")


@bottle.get("/healthz")
def healthz():
    return {"status": "ok"}


@bottle.get("/flags")
def flags():
    return DEFAULTS["feature_flags"]


bottle.run(host="0.0.0.0", port=int(os.environ.get("PORT", 8080)))
