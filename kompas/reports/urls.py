from django.urls import path

from kompas.reports import annual_views, issued_views, views

app_name = "reports"
urlpatterns: list = []
urlpatterns += [
    path("<int:board_id>/annual-report/", annual_views.annual_list, name="annual_list"),
    path(
        "<int:board_id>/annual-report/generate/",
        annual_views.annual_generate,
        name="annual_generate",
    ),
    path(
        "<int:board_id>/annual-report/<int:annual_id>/",
        annual_views.annual_report,
        name="annual_report",
    ),
    path(
        "<int:board_id>/annual-report/<int:annual_id>/edit/",
        annual_views.annual_edit,
        name="annual_edit",
    ),
    path(
        "<int:board_id>/annual-report/<int:annual_id>/approve/",
        annual_views.annual_approve,
        name="annual_approve",
    ),
    path(
        "<int:board_id>/annual-report/<int:annual_id>/new-version/",
        annual_views.annual_new_version,
        name="annual_new_version",
    ),
    path(
        "<int:board_id>/annual-report/<int:annual_id>/download.docx",
        annual_views.annual_docx_download,
        name="annual_docx",
    ),
    path(
        "<int:board_id>/annual-report/<int:annual_id>/download.txt",
        annual_views.annual_txt_download,
        name="annual_txt",
    ),
]
urlpatterns += [
    path("<int:board_id>/dashboard/", views.dashboard, name="dashboard"),
    path("<int:board_id>/report.pdf", views.supervisory_pdf, name="supervisory_pdf"),
]
urlpatterns += [
    path("<int:board_id>/supervisory-reports/", issued_views.issued_list, name="issued_list"),
    path("<int:board_id>/supervisory-reports/issue/", issued_views.issue, name="issue"),
    path(
        "<int:board_id>/supervisory-reports/<int:issued_id>/download.pdf",
        issued_views.issued_download,
        name="issued_download",
    ),
]
