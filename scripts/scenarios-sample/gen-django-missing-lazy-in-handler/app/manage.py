import os
import sys

from django.conf import settings
from django.http import JsonResponse
from django.urls import path


settings.configure(DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__, SECRET_KEY="generated-scenario-not-secret",
                   MIDDLEWARE=[], INSTALLED_APPS=[])


def healthz(request):
    import dateutil  # loaded on first request
    dateutil.__name__
    return JsonResponse({"status": "ok"})


urlpatterns = [path("healthz", healthz)]

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
