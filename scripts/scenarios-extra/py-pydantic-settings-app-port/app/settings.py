from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    app_name: str = "catalog"
    app_host: str = "0.0.0.0"
    app_port: int = 8000


settings = Settings()
