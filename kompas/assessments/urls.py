from django.urls import path

from kompas.assessments import evidence_views, views

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
    path(
        "<int:board_id>/evaluations/<int:assessment_id>/import/",
        views.import_xlsx,
        name="import_xlsx",
    ),
    path(
        "<int:board_id>/evaluations/<int:assessment_id>/import/confirm/",
        views.import_xlsx_confirm,
        name="import_xlsx_confirm",
    ),
    path("<int:board_id>/evaluations/<int:assessment_id>/confirm/", views.confirm, name="confirm"),
    path("<int:board_id>/evaluations/<int:assessment_id>/submit/", views.submit, name="submit"),
    path("<int:board_id>/evaluations/<int:assessment_id>/approve/", views.approve, name="approve"),
    path("<int:board_id>/evaluations/<int:assessment_id>/reopen/", views.reopen, name="reopen"),
    path(
        "<int:board_id>/evaluations/<int:assessment_id>/send-back/",
        views.send_back,
        name="send_back",
    ),
    path(
        "<int:board_id>/evaluations/<int:assessment_id>/norms/<str:code>/evidence/",
        evidence_views.evidence_add,
        name="evidence_add",
    ),
    path(
        "<int:board_id>/evaluations/<int:assessment_id>/norms/<str:code>/evidence/"
        "<int:evidence_id>/remove/",
        evidence_views.evidence_remove,
        name="evidence_remove",
    ),
    path(
        "<int:board_id>/evidence/<int:evidence_id>/download/",
        evidence_views.evidence_download,
        name="evidence_download",
    ),
]
