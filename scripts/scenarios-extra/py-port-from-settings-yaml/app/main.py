import yaml
from flask import Flask

with open("settings.yaml") as fh:
    SETTINGS = yaml.safe_load(fh)

app = Flask(__name__)


@app.route("/healthz")
def healthz():
    return {"ok": True}


if __name__ == "__main__":
    app.run(host=SETTINGS["server"]["host"], port=SETTINGS["server"]["port"])
