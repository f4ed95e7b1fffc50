from django.urls import path

from kompas.exports import views

app_name = "exports"
urlpatterns = [
    path("boards/<int:board_id>/export/", views.board_download, name="board_download"),
    path("platform/restore/", views.restore, name="restore"),
    path("platform/restore/confirm/", views.restore_confirm_view, name="restore_confirm"),
]
