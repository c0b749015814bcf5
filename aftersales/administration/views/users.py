"""Users: list with search and pagination, create, edit, deactivate, reset the password."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from aftersales.accounts import selectors as accounts
from aftersales.accounts import services
from aftersales.accounts.models import User
from aftersales.accounts.roles import Role
from aftersales.administration.access import admin_required, apply_errors
from aftersales.administration.forms import PasswordResetForm, UserCreateForm, UserForm
from aftersales.core.errors import ApplicationError, PermissionDenied

PAGE_SIZE = 25


@admin_required
def user_list(request):
    q = request.GET.get("q", "").strip()
    department = request.GET.get("department", "")
    role = request.GET.get("role", "")
    active = request.GET.get("active", "")
    users = accounts.users_search(query=q, department=department, role=role, active=active)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "administration/user_list.html", {
        "page_obj": page, "q": q, "department": department, "role": role, "active": active,
        "departments": accounts.departments_list(), "roles": Role.choices})


@admin_required
def user_create(request):
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user,
                                        username=form.cleaned_data["username"],
                                        password=form.cleaned_data["password"],
                                        **form.service_kwargs())
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("administration:user_list")
    return render(request, "administration/user_form.html", {"form": form, "creating": True})


@admin_required
def user_edit(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        form = UserForm(request.POST, subject=user)
        if form.is_valid():
            try:
                services.user_update(actor=request.user, user=user, **form.service_kwargs())
            except PermissionDenied as exc:
                form.add_error(None, str(exc.message))
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("User %(name)s saved.") % {"name": user.username})
                return redirect("administration:user_list")
    else:
        form = UserForm(subject=user, initial={
            "display_name": user.display_name, "department": user.department_id,
            "roles": list(user.groups.values_list("name", flat=True)), "phone": user.phone,
            "email": user.email, "is_active": user.is_active, "dealer": user.dealer_id,
            "factory": user.factory_id})
    return render(request, "administration/user_form.html", {
        "form": form, "subject": user, "password_form": PasswordResetForm()})


@require_POST
@admin_required
def user_deactivate(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    try:
        services.user_deactivate(actor=request.user, user=user)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("User %(name)s deactivated: they can no longer sign in.")
                         % {"name": user.username})
    return redirect("administration:user_edit", pk=user.pk)


@admin_required
def user_password(request, pk: int):
    user = get_object_or_404(User, pk=pk)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_password_reset(actor=request.user, user=user,
                                         password=form.cleaned_data["password"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The password of %(name)s was reset. Tell them in "
                                        "person; they can change it after signing in.")
                             % {"name": user.username})
            return redirect("administration:user_edit", pk=user.pk)
    return render(request, "administration/user_password.html",
                  {"form": form, "subject": user}, status=422 if form.errors else 200)
