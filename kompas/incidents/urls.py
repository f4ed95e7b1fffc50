from django.urls import path

from kompas.incidents import views

# Included at the root with one namespace, like monitoring: the register under the board's
# pages, the programme analyst's counts under monitoring/.
app_name = "incidents"
urlpatterns = [
    path("boards/<int:board_id>/incidents/", views.register, name="register"),
    path("boards/<int:board_id>/incidents/report/", views.report, name="report"),
    path("boards/<int:board_id>/incidents/reported/", views.reported, name="reported"),
    path("boards/<int:board_id>/incidents/<int:incident_id>/", views.incident, name="incident"),
    path("boards/<int:board_id>/incidents/<int:incident_id>/edit/", views.edit, name="edit"),
    path(
        "boards/<int:board_id>/incidents/<int:incident_id>/decision/",
        views.decision,
        name="decision",
    ),
    path(
        "boards/<int:board_id>/incidents/<int:incident_id>/measure/",
        views.make_measure,
        name="make_measure",
    ),
    path(
        "boards/<int:board_id>/incidents/<int:incident_id>/school-cert.txt",
        views.handoff_txt,
        name="handoff_txt",
    ),
    path(
        "boards/<int:board_id>/incidents/<int:incident_id>/school-cert.json",
        views.handoff_json,
        name="handoff_json",
    ),
]
