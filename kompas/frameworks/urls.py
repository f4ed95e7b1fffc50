from django.urls import path

from kompas.frameworks import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_index, name="index"),
    path("<slug:slug>/", views.framework_latest, name="latest"),
    path("<slug:slug>/<str:version>/", views.catalogue, name="catalogue"),
    path("<slug:slug>/<str:version>/search/", views.search, name="search"),
    path("<slug:slug>/<str:version>/domains/<str:code>/", views.domain_detail, name="domain"),
    path("<slug:slug>/<str:version>/norms/<str:code>/", views.norm_detail, name="norm"),
]
