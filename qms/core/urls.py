from django.urls import path

from qms.core import views

app_name = "core"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("accueil/", views.HomeView.as_view(), name="home"),
]
