"""Seed the working-day calendar from `chinesecalendar` (2004-2026) and the default business
hours 09:00-18:00 with lunch 12:00-13:00 (REGULATIONS-CN.md §6)."""

from django.db import migrations


def seed(apps, schema_editor):
    from aftersales.calendars.seed import ensure_default_business_hours, seed_years

    CalendarYear = apps.get_model("calendars", "CalendarYear")
    CalendarDay = apps.get_model("calendars", "CalendarDay")
    BusinessHours = apps.get_model("calendars", "BusinessHours")
    seed_years(CalendarYear, CalendarDay)
    ensure_default_business_hours(BusinessHours)


def unseed(apps, schema_editor):
    apps.get_model("calendars", "CalendarDay").objects.all().delete()
    apps.get_model("calendars", "CalendarYear").objects.all().delete()
    apps.get_model("calendars", "BusinessHours").objects.filter(department__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
