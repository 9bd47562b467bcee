SECRET_KEY = "dev-only-not-a-secret"
DEBUG = True
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "site_cfg.urls"
INSTALLED_APPS = []
DATABASES = {}
