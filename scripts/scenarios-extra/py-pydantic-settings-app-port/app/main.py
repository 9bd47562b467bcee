import uvicorn
from fastapi import FastAPI

from settings import settings

app = FastAPI(title=settings.app_name)


@app.get("/healthz")
def health():
    return {"status": "ok"}


if __name__ == "__main__":
    uvicorn.run(app, host=settings.app_host, port=settings.app_port)
