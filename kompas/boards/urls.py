from django.urls import path

from kompas.boards import audit_views, views

app_name = "boards"
urlpatterns = [
    path("", views.my_boards, name="mine"),
    path("switch/", views.switch_board, name="switch"),
    path("<int:board_id>/", views.board_home, name="home"),
    path("<int:board_id>/members/", views.members, name="members"),
    path(
        "<int:board_id>/members/contributors/",
        views.contributor_scope,
        name="contributor_scope",
    ),
    path(
        "<int:board_id>/members/<int:membership_id>/deactivate/",
        views.member_deactivate,
        name="member_deactivate",
    ),
    path("<int:board_id>/schools/", views.schools, name="schools"),
    path("<int:board_id>/groups/", views.groups, name="groups"),
    path("<int:board_id>/groups/<int:group_id>/join/", views.group_join, name="group_join"),
    path("<int:board_id>/groups/<int:group_id>/leave/", views.group_leave, name="group_leave"),
    path("<int:board_id>/audit/", audit_views.board_trail, name="audit"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation"),
]
