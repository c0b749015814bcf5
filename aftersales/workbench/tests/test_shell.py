"""The page shell: menu built from URLs that exist; portal base for phones (UX.md)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory

from aftersales.accounts.roles import Role
from aftersales.accounts.tests.factories import UserFactory
from aftersales.workbench import navigation
from aftersales.workbench.navigation import Entry, Group, menu_for

pytestmark = pytest.mark.django_db


def test_menu_skips_entries_whose_url_is_not_built_and_hides_empty_groups(monkeypatch):
    monkeypatch.setattr(navigation, "MENU", (
        Group("A", "a", (Entry("home", "home"), Entry("later", "nosuch:page"))),
        Group("B", "b", (Entry("later", "nosuch:other"),)),
    ))
    user = UserFactory(roles=[Role.CUSTOMER_SERVICE])
    groups = menu_for(user, "/")
    assert [g["key"] for g in groups] == ["a"]
    assert groups[0]["items"] == [{"label": "home", "url": "/", "current": True}]


def test_menu_respects_roles_and_staff_flag():
    dealer = UserFactory(roles=[Role.DEALER])
    labels = [i["url"] for g in menu_for(dealer, "/") for i in g["items"]]
    assert "/policy/" not in labels  # staff pages are not for dealers
    assert "/admin/" not in labels


def test_portal_base_is_one_column_without_staff_menu():
    request = RequestFactory().get("/portal/x/")
    request.user = AnonymousUser()
    html = engines["django"].from_string(
        '{% extends "portal_base.html" %}{% block content %}<p>订单号</p>{% endblock %}'
    ).render({}, request)
    assert "core/portal.css" in html and "core/app.css" not in html
    assert 'class="sidenav"' not in html
    assert 'name="language" value="en"' in html  # the same language switch
    assert "<p>订单号</p>" in html


def render_with(request, source: str, **context) -> str:
    return engines["django"].from_string(source).render(context, request)


def test_pagination_shows_total_and_keeps_filters():
    from django.core.paginator import Paginator

    request = RequestFactory().get("/cases/", {"state": "open", "page": "2"})
    page = Paginator(range(60), 25).get_page(2)
    html = render_with(request, '{% include "_pagination.html" with page=page %}', page=page)
    assert "共 60 条" in html and "第 2/3 页" in html
    assert 'href="?state=open&amp;page=1"' in html
    assert 'href="?state=open&amp;page=3"' in html


def test_sort_header_toggles_direction_and_drops_the_page():
    request = RequestFactory().get("/cases/", {"state": "open", "page": "3", "sort": "due_at"})
    html = render_with(request, '{% load shell %}{% sort_th "due_at" "截止" %}')
    assert 'aria-sort="ascending"' in html
    assert "sort=-due_at" in html and "state=open" in html and "page=" not in html


def test_seeded_department_names_follow_the_page_language():
    from django.utils import translation

    from aftersales.accounts.display import department_label
    from aftersales.accounts.models import Department

    dept = Department.objects.get(code="warehouse")
    for stored in ("Warehouse", "仓库"):
        dept.name = stored
        with translation.override("en"):
            assert department_label(dept) == "Warehouse"
        with translation.override("zh-hans"):
            assert department_label(dept) == "仓库"
    dept.name = "成品仓"  # renamed by an administrator: kept
    with translation.override("en"):
        assert department_label(dept) == "成品仓"
