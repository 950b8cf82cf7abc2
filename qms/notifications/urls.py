from django.urls import path

from qms.notifications import views

app_name = "notifications"

urlpatterns = [
    path("envois/", views.OutboxListView.as_view(), name="outbox"),
    path("profil/", views.ProfileView.as_view(), name="profile"),
    path("calendrier/<str:token>.ics", views.public_calendar_feed, name="public-calendar"),
]
