from fastapi import FastAPI
from pydantic import BaseModel, EmailStr

app = FastAPI()


class Signup(BaseModel):
    email: EmailStr


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.post("/signup")
def signup(body: Signup):
    return {"email": body.email}
