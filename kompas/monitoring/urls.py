from django.urls import path

from kompas.monitoring import (
    dashboard_views,
    incident_views,
    inspectorate_views,
    region_views,
    service_views,
    support_views,
    views,
)

# Included at the root with one namespace: board pages live under boards/, beside the board's
# other pages; the programme analyst's pages under monitoring/.
app_name = "monitoring"
urlpatterns = [
    path("boards/<int:board_id>/monitoring/", views.board_rounds, name="board_rounds"),
    path("boards/<int:board_id>/monitoring/<int:round_id>/submit/", views.submit, name="submit"),
    path(
        "boards/<int:board_id>/monitoring/consents/<int:consent_id>/withdraw/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path(
        "boards/<int:board_id>/monitoring/services/",
        service_views.service_uses,
        name="services",
    ),
    path(
        "boards/<int:board_id>/monitoring/services/<str:service>/",
        service_views.service_use_save,
        name="service_save",
    ),
    path(
        "boards/<int:board_id>/monitoring/benchmark/",
        dashboard_views.benchmark,
        name="benchmark",
    ),
    path("monitoring/", dashboard_views.dashboard, name="dashboard"),
    path("monitoring/incidents/", incident_views.incident_counts, name="incident_counts"),
    path("monitoring/rounds/", views.rounds, name="rounds"),
    path("monitoring/rounds/<int:round_id>/", views.round_detail, name="round"),
    path(
        "monitoring/rounds/<int:round_id>/releases/<int:number>/",
        views.round_detail,
        name="release",
    ),
    path(
        "monitoring/rounds/<int:round_id>/releases/<int:number>/download.<str:kind>",
        views.release_download,
        name="release_download",
    ),
    path("monitoring/rounds/<int:round_id>/release/", views.release, name="make_release"),
    path(
        "monitoring/rounds/<int:round_id>/release/retry/",
        views.release_retry,
        name="release_retry",
    ),
    path("monitoring/support/", support_views.support_list, name="support"),
    path(
        "monitoring/support/boards/<int:board_id>/",
        support_views.support_board,
        name="support_board",
    ),
    path("monitoring/groups/", region_views.groups, name="groups"),
    path("monitoring/groups/<int:group_id>/", region_views.group, name="group"),
    path(
        "boards/<int:board_id>/groups/<int:group_id>/results/",
        region_views.board_group,
        name="board_group",
    ),
    path("monitoring/inspectorate/", inspectorate_views.inspectorate, name="inspectorate"),
    path(
        "monitoring/inspectorate/boards/<int:board_id>/",
        inspectorate_views.inspectorate_board,
        name="inspectorate_board",
    ),
]
