import bottle

app = bottle.Bottle()


@app.route("/healthz")
def healthz():
    return {"status": "ok"}


if __name__ == "__main__":
    bottle.run(app)
