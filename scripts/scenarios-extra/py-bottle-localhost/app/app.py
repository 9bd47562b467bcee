from bottle import Bottle, run, response

app = Bottle()


@app.get("/healthz")
def healthz():
    response.content_type = "application/json"
    return '{"status": "ok"}'


if __name__ == "__main__":
    run(app, host="localhost", port=8080)
