import os

from fastapi import FastAPI
from jose import jwt

app = FastAPI()
SECRET = os.environ.get("JWT_SECRET", "dev-only")


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/token/{user}")
def token(user: str):
    return {"token": jwt.encode({"sub": user}, SECRET, algorithm="HS256")}
