SECRET_KEY = "dev-only-not-a-secret"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "config.urls"
INSTALLED_APPS = []
MIDDLEWARE = []
DATABASES = {}
