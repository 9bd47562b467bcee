import os

import uvicorn
from fastapi import FastAPI


app = FastAPI()


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=int(os.environ.get("APP_PORT", "9000")), log_level="info")
