from django.urls import path

from kompas.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/<int:notification_id>/", views.notification_open, name="open"),
    path("notifications/read/", views.read_all, name="read_all"),
    path("account/notifications/", views.preferences, name="preferences"),
    path("account/calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
