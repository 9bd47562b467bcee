from django.http import JsonResponse


def healthz(request):
    return JsonResponse({"status": "ok"})


def products(request):
    return JsonResponse({"products": []})
