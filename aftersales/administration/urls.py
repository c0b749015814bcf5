from django.urls import path

from aftersales.administration.data_kinds import KINDS
from aftersales.administration.views import (
    apikeys,
    channels,
    data,
    departments,
    imports,
    orders,
    overview,
    users,
)
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


def _data_urls() -> list:
    """/settings/data/<kind>/…: the reference data pages, one set of names per kind
    (customer_list, customer_detail, …); orders have no form."""
    out = []
    for spec in KINDS.values():
        base, name, kw = f"data/{spec.key.replace('_', '-')}/", spec.name, {"kind": spec.key}
        out += [path(base, data.data_list, kw, name=f"{name}_list"),
                path(f"{base}export.xlsx", data.data_export, kw, name=f"{name}_export")]
        if spec.form is None:
            continue
        out += [path(f"{base}new/", data.data_create, kw, name=f"{name}_create"),
                path(f"{base}<int:pk>/", data.data_detail, kw, name=f"{name}_detail"),
                path(f"{base}<int:pk>/edit/", data.data_edit, kw, name=f"{name}_edit")]
        if spec.has_active:
            out.append(path(f"{base}<int:pk>/deactivate/", data.data_deactivate, kw,
                            name=f"{name}_deactivate"))
    return out


urlpatterns += [
    path("data/", data.data_index, name="data_index"),
    *_data_urls(),
    path("data/customers/<int:pk>/contact/", data.customer_contact, {"kind": "customers"},
         name="customer_contact"),
    path("data/orders/<int:pk>/", orders.order_detail, name="order_detail"),
    path("data/imports/", imports.import_list, name="import_list"),
    path("data/imports/<int:pk>/", imports.import_detail, name="import_detail"),
]
