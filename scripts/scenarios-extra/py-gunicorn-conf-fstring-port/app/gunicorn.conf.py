import os

bind = f"0.0.0.0:{os.environ.get('APP_PORT', '8000')}"
workers = int(os.environ.get("WEB_WORKERS", "2"))
accesslog = "-"
