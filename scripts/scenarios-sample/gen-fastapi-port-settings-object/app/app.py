import os

import uvicorn
from fastapi import FastAPI
class Settings:
    host = "0.0.0.0"
    port = 9000


SETTINGS = Settings()

app = FastAPI()


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


if __name__ == "__main__":
    uvicorn.run(app, host=SETTINGS.host, port=SETTINGS.port, log_level="info")
