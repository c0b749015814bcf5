"""Departments: list, create, edit (the code stays)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from aftersales.accounts import selectors as accounts
from aftersales.accounts import services
from aftersales.accounts.models import Department
from aftersales.administration.access import admin_required, apply_errors
from aftersales.administration.forms import DepartmentForm
from aftersales.core.errors import ApplicationError


@admin_required
def department_list(request):
    return render(request, "administration/department_list.html",
                  {"departments": accounts.departments_list()})


@admin_required
def department_create(request):
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            department = services.department_create(
                actor=request.user, code=d["code"], name=d["name"],
                supervisor=d["supervisor"], active=d["active"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Department %(name)s created.")
                             % {"name": department.name})
            return redirect("administration:department_list")
    return render(request, "administration/department_form.html",
                  {"form": form, "creating": True})


@admin_required
def department_edit(request, pk: int):
    department = get_object_or_404(Department, pk=pk)
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None:
        data["code"] = department.code  # the code never changes
    form = DepartmentForm(data, initial={
        "code": department.code, "name": department.name,
        "supervisor": department.supervisor_id, "active": department.active})
    form.fields["code"].disabled = True
    if data is not None and form.is_valid():
        d = form.cleaned_data
        try:
            services.department_update(actor=request.user, department=department,
                                       name=d["name"], supervisor=d["supervisor"],
                                       active=d["active"])
        except ApplicationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Department %(name)s saved.") % {"name": d["name"]})
            return redirect("administration:department_list")
    return render(request, "administration/department_form.html",
                  {"form": form, "subject": department})
