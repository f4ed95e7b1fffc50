from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from kompas.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("frameworks/", include("kompas.frameworks.urls")),
    path("accounts/", include("allauth.urls")),
    path("boards/", include("kompas.boards.urls")),
    path("platform/", include("kompas.boards.platform_urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
