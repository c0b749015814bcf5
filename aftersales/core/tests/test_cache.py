"""The one cache rule (aftersales.core.cache): a cached value is used while the stamp in the
database is unchanged, and a change to what it was read from moves the stamp in the change's
own transaction — so a committed change is seen at once, a rolled-back one never."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from aftersales.accounts.models import Department
from aftersales.calendars.calendar import get_calendar
from aftersales.calendars.errors import CalendarErrorCode
from aftersales.core import cache
from aftersales.core.errors import ApplicationError
from aftersales.core.models import CacheStamp


def _stamp_reads(ctx) -> int:
    return sum("core_cachestamp" in q["sql"] for q in ctx.captured_queries)


def _department_name(code: str) -> str | None:
    return cache.memo("test.department", code, lambda: Department.objects.filter(code=code)
                      .values_list("name", flat=True).first())


@pytest.fixture
def dept(db):
    return Department.objects.create(code="test_dept", name="测试部")


def test_a_saved_row_is_seen_at_the_next_lookup(dept):
    assert _department_name("test_dept") == "测试部"
    dept.name = "质检部"
    dept.save()
    assert _department_name("test_dept") == "质检部"


def test_a_deleted_row_is_seen_at_the_next_lookup(dept):
    assert _department_name("test_dept") == "测试部"
    dept.delete()
    assert _department_name("test_dept") is None


def test_what_a_rolled_back_change_put_in_the_cache_is_never_used(dept):
    # given a change that is read into the cache, then rolled back
    with pytest.raises(RuntimeError), transaction.atomic():
        dept.name = "回滚的名字"
        dept.save()
        assert _department_name("test_dept") == "回滚的名字"
        raise RuntimeError
    # then the committed row is read again
    assert _department_name("test_dept") == "测试部"


def test_a_change_committed_by_another_process_is_seen(dept):
    assert _department_name("test_dept") == "测试部"
    # another process renames the department: its stamp commits with the row
    Department.objects.filter(pk=dept.pk).update(name="售后部")
    CacheStamp.objects.filter(pk=cache.STAMP_ROW).update(token="another-process")
    assert _department_name("test_dept") == "售后部"


def test_without_a_stamp_move_the_cached_value_stays(dept):
    assert _department_name("test_dept") == "测试部"
    Department.objects.filter(pk=dept.pk).update(name="绕过信号")  # a bulk write, no signal
    assert _department_name("test_dept") == "测试部"
    cache.changed()  # what a bulk writer calls
    assert _department_name("test_dept") == "绕过信号"


def test_a_scope_reads_the_stamp_once_and_a_lookup_outside_reads_it_each_time(dept):
    _department_name("test_dept")
    with CaptureQueriesContext(connection) as outside:
        _department_name("test_dept")
        _department_name("test_dept")
    with cache.scope(), CaptureQueriesContext(connection) as inside:
        _department_name("test_dept")
        _department_name("test_dept")
    assert (_stamp_reads(outside), len(outside)) == (2, 2)
    assert (_stamp_reads(inside), len(inside)) == (1, 1)


def test_a_change_inside_a_scope_is_seen_in_the_same_scope(dept):
    with cache.scope():
        assert _department_name("test_dept") == "测试部"
        dept.name = "客服部二"
        dept.save()
        assert _department_name("test_dept") == "客服部二"


def test_a_missing_stamp_row_is_recreated_by_the_next_change(dept):
    CacheStamp.objects.all().delete()  # what a flush leaves
    assert _department_name("test_dept") == "测试部"
    dept.name = "新名字"
    dept.save()
    assert CacheStamp.objects.filter(pk=cache.STAMP_ROW).exists()
    assert _department_name("test_dept") == "新名字"


def test_one_request_reads_the_stamp_once(admin_client):
    with CaptureQueriesContext(connection) as ctx:
        r = admin_client.get("/cases/")
    assert r.status_code == 200
    assert _stamp_reads(ctx) <= 1


def test_derived_values_need_no_database_and_follow_the_source_object():
    # no database fixture: any query would fail this test
    source, same_content = {"a": 1}, {"a": 1}
    calls = []

    def compute(doc):
        return lambda: calls.append(doc) or len(calls)

    first = cache.derived("test.derived", source, compute(source))
    assert cache.derived("test.derived", source, compute(source)) == first
    assert cache.derived("test.derived", same_content, compute(same_content)) != first
    assert calls == [source, same_content]


def test_the_calendar_follows_a_year_removed_and_entered_again_in_bulk(db):
    from aftersales.calendars.models import CalendarDay, CalendarYear
    from aftersales.calendars.services import calendar_seed

    # given a calendar in use
    assert get_calendar().add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)  # 调休
    # when the year is removed, the next lookup knows it is missing
    CalendarDay.objects.filter(date__year=2026).delete()
    CalendarYear.objects.filter(year=2026).delete()
    with pytest.raises(ApplicationError) as missing:
        get_calendar().add_working_days(date(2026, 2, 13), 1)
    assert missing.value.code == CalendarErrorCode.CALENDAR_YEAR_MISSING
    # and when it is written again in bulk (no row signals), the next lookup uses it
    calendar_seed(years=[2026])
    assert get_calendar().add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
