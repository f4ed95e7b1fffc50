from django.urls import path

from kompas.assessments import views

app_name = "assessments"
urlpatterns = [
    path("<int:board_id>/evaluations/", views.assessment_list, name="list"),
    path("<int:board_id>/evaluations/<int:assessment_id>/", views.overview, name="overview"),
    path(
        "<int:board_id>/evaluations/<int:assessment_id>/norms/<str:code>/",
        views.norm_score,
        name="norm",
    ),
    path(
        "<int:board_id>/evaluations/<int:assessment_id>/compare/",
        views.comparison,
        name="compare",
    ),
    path(
        "<int:board_id>/evaluations/<int:assessment_id>/export.xlsx",
        views.export_xlsx,
        name="export_xlsx",
    ),
    path("<int:board_id>/evaluations/<int:assessment_id>/submit/", views.submit, name="submit"),
    path("<int:board_id>/evaluations/<int:assessment_id>/approve/", views.approve, name="approve"),
    path("<int:board_id>/evaluations/<int:assessment_id>/reopen/", views.reopen, name="reopen"),
]
