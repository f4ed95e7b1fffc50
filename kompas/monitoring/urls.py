from django.urls import path

from kompas.monitoring import views

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
    path("monitoring/rounds/", views.rounds, name="rounds"),
    path("monitoring/rounds/<int:round_id>/", views.round_detail, name="round"),
]
