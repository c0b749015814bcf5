"""Staff home pages. No namespace: settings.LOGIN_REDIRECT_URL names "home"."""

from django.urls import path

from aftersales.workbench import views

urlpatterns = [
    path("", views.home, name="home"),
]
