import pytest


@pytest.fixture
def admin_user(db):
    from django.contrib.auth.models import Group

    from aftersales.accounts.models import User

    user = User.objects.create_user("h1-admin")  # no password: force_login, no slow hashing
    user.groups.add(Group.objects.get_or_create(name="admin")[0])
    return user


@pytest.fixture
def agent_user(db):
    from django.contrib.auth.models import Group

    from aftersales.accounts.models import User

    user = User.objects.create_user("h1-agent")
    user.groups.add(Group.objects.get_or_create(name="customer_service")[0])
    return user


# The 2027 schedule used by the tests is invented (no notice existed when written).
SCHEDULE_2027 = {
    "holidays": [
        ("2027-01-01", "2027-01-03", "元旦"),
        ("2027-02-06", "2027-02-14", "春节"),
        ("2027-10-01", "2027-10-07", "国庆节"),
    ],
    "adjusted_workdays": ["2027-02-20", "2027-09-26", "2027-10-09"],
}


@pytest.fixture(autouse=True)
def _english():
    """Assertions on message text use the English msgids (the product default is zh-hans)."""
    from django.utils import translation

    with translation.override("en"):
        yield
