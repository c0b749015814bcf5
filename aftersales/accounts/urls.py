"""Account pages. No namespace: settings.LOGIN_URL and LOGOUT_REDIRECT_URL name "login",
and Django's password views reverse "password_change_done"."""

from django.contrib.auth import views as auth_views
from django.urls import path

from aftersales.accounts import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
]
