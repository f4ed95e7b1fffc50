from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from kompas.core import views as core_views
from kompas.frameworks import views as framework_views

# The admin signs in through allauth like everyone else, so its second factor and throttling
# apply; Django's own admin login form would skip both.
admin.site.login = RedirectView.as_view(pattern_name="account_login", query_string=True)  # type: ignore[method-assign,assignment]

urlpatterns = [
    path("", framework_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("frameworks/", include("kompas.frameworks.urls")),
    path("accounts/", include("allauth.urls")),
    path("boards/", include("kompas.boards.urls")),
    path("boards/", include("kompas.assessments.urls")),
    path("boards/", include("kompas.plans.urls")),
    path("boards/", include("kompas.reports.urls")),
    path("platform/frameworks/", include("kompas.frameworks.platform_urls")),
    path("platform/", include("kompas.boards.platform_urls")),
    path("", include("kompas.monitoring.urls")),
    path("", include("kompas.incidents.urls")),
    path("", include("kompas.exports.urls")),
    path("", include("kompas.notifications.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]
