from django.urls import path

from kompas.frameworks import platform_views

app_name = "platform_frameworks"
urlpatterns = [
    path("", platform_views.catalogue, name="index"),
    path("confirm/", platform_views.confirm, name="confirm"),
]
