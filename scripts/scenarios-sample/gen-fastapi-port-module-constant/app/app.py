import os

import uvicorn
from fastapi import FastAPI
LISTEN_ON = 9000
BIND_ADDRESS = "127.0.0.1"

app = FastAPI()


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


if __name__ == "__main__":
    uvicorn.run(app, host=BIND_ADDRESS, port=LISTEN_ON, log_level="info")
