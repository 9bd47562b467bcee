from django.urls import path

from catalog import views

urlpatterns = [
    path("healthz", views.healthz),
    path("products", views.products),
]
