from fastapi import FastAPI
from pydantic import BaseSettings


class Settings(BaseSettings):
    app_name: str = "demo"


settings = Settings()
app = FastAPI()


@app.get("/healthz")
def healthz():
    return {"status": "ok", "app": settings.app_name}
