from django.urls import path

from kompas.plans import roadmap_views, views

app_name = "plans"
urlpatterns = [
    path("<int:board_id>/plan/", views.plan, name="plan"),
    path("<int:board_id>/plan/roadmap/", roadmap_views.roadmap_view, name="roadmap"),
    path("<int:board_id>/plan/measures/new/", views.measure_new, name="measure_new"),
    path("<int:board_id>/plan/measures/<int:measure_id>/", views.measure_edit, name="measure"),
    path(
        "<int:board_id>/plan/measures/<int:measure_id>/progress/",
        views.measure_progress,
        name="measure_progress",
    ),
    path(
        "<int:board_id>/plan/suggestions/<int:example_id>/",
        views.suggestion_accept,
        name="suggestion_accept",
    ),
    path("<int:board_id>/plan/risks/new/<str:code>/", views.risk_new, name="risk_new"),
    path(
        "<int:board_id>/plan/risks/propose/<str:code>/",
        views.risk_propose,
        name="risk_propose",
    ),
    path(
        "<int:board_id>/plan/risks/<int:risk_id>/withdraw/",
        views.risk_withdraw,
        name="risk_withdraw",
    ),
    path("<int:board_id>/plan/export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:board_id>/plan/deadline/", views.deadline, name="deadline"),
    path("<int:board_id>/plan/approve/", views.approve, name="approve"),
    path("<int:board_id>/plan/submit/", views.submit, name="submit"),
    path("<int:board_id>/plan/send-back/", views.send_back, name="send_back"),
    path("<int:board_id>/plan/versions/<int:number>/", views.version, name="version"),
    path("<int:board_id>/plan/versions/compare/", views.compare, name="compare"),
]
