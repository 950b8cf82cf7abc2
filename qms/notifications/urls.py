from django.urls import path

from qms.notifications import views

app_name = "notifications"

urlpatterns = [
    path("envois/", views.OutboxListView.as_view(), name="outbox"),
    path("profil/", views.ProfileView.as_view(), name="profile"),
    path("libelles/", views.ReminderWordingListView.as_view(), name="wording-list"),
    path("libelles/<slug:kind>/<slug:language>/", views.ReminderWordingEditView.as_view(), name="wording-edit"),
    path("calendrier/<str:token>.ics", views.public_calendar_feed, name="public-calendar"),
]
