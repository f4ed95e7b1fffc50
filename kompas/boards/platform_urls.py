from django.urls import path

from kompas.boards import audit_views, platform_views

app_name = "platform"
urlpatterns = [
    path("boards/", platform_views.boards, name="boards"),
    path("boards/<int:board_id>/", platform_views.board, name="board"),
    path("groups/", platform_views.groups, name="groups"),
    path("users/", platform_views.users, name="users"),
    path("users/<int:user_id>/deactivate/", platform_views.user_deactivate, name="user_deactivate"),
    path("audit/authentication/", audit_views.authentication_events, name="auth_events"),
]
