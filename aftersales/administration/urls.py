from django.urls import path

from aftersales.administration.views import apikeys, channels, departments, overview, users
from aftersales.administration.views.policy_numbers import policy_numbers

app_name = "administration"
urlpatterns = [
    path("", overview.index, name="index"),
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/<int:pk>/", users.user_edit, name="user_edit"),
    path("users/<int:pk>/deactivate/", users.user_deactivate, name="user_deactivate"),
    path("users/<int:pk>/password/", users.user_password, name="user_password"),
    path("departments/", departments.department_list, name="department_list"),
    path("departments/new/", departments.department_create, name="department_create"),
    path("departments/<int:pk>/", departments.department_edit, name="department_edit"),
    path("roles/", overview.roles, name="roles"),
    path("business-lines/", overview.business_lines, name="business_lines"),
    path("api-keys/", apikeys.apikey_list, name="apikey_list"),
    path("api-keys/<int:pk>/revoke/", apikeys.apikey_revoke, name="apikey_revoke"),
    path("channels/", channels.channels, name="channels"),
    path("audit/", overview.audit, name="audit"),
    path("policies/<slug:name>/numbers/", policy_numbers, name="policy_numbers"),
]
