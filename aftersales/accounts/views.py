"""Sign in, sign out, change password: Django's auth views with our templates (X4)."""

from django.contrib.auth import views as auth_views

from aftersales.accounts.forms import LoginForm


class LoginView(auth_views.LoginView):
    # LoginView passes the request to authenticate(), which django-axes needs to throttle.
    form_class = LoginForm
    template_name = "registration/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass  # POST only (Django ≥ 5); redirects to settings.LOGOUT_REDIRECT_URL
