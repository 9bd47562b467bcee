class Config:
    DEBUG = False
    PORT = 5001
    GREETING = "hello"
