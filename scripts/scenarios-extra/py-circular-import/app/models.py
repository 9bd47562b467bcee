from app import db


class User:
    table = db
