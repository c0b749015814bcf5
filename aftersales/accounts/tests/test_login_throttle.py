"""Login throttling per address across usernames (password spraying), decided before any
password is hashed: once an address is locked, no PBKDF2 runs for it, whatever the username."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.test import Client
from django.urls import reverse

from aftersales.accounts.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


class CountingPBKDF2(PBKDF2PasswordHasher):
    """Django's PBKDF2 with one iteration, counting every hash it computes."""

    iterations = 1
    calls = 0

    def encode(self, password, salt, iterations=None):
        type(self).calls += 1
        return super().encode(password, salt, iterations)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingPBKDF2"]
    CountingPBKDF2.calls = 0
    return CountingPBKDF2


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_spraying_one_address_across_usernames_locks_it_before_hashing(settings,
                                                                       counting_hasher):
    # given real users and an address that tries a different username each time
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    victim = UserFactory(username="wangwu", roles=["customer_service"])
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS - 1):
        assert login(sprayer, f"user{i}", "123456").status_code == 200
    assert counting_hasher.calls >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS - 1  # hashed
    # the failure that reaches the limit is answered with the lock already
    assert login(sprayer, "user-last", "123456").status_code == 429
    # when the address tries again, even with the right password of a real user
    counting_hasher.calls = 0
    response = login(sprayer, victim.username, PASSWORD)
    # then it is refused and no password was hashed for it
    assert response.status_code == 429 and "_auth_user_id" not in sprayer.session
    assert counting_hasher.calls == 0
    response = login(sprayer, "someone-else", "123456")
    assert response.status_code == 429 and counting_hasher.calls == 0
    # and the same user from another address signs in
    assert login(Client(REMOTE_ADDR="198.51.100.7"), victim.username, PASSWORD).status_code \
        == 302


def test_a_few_mistakes_on_several_accounts_from_one_office_lock_nobody(settings,
                                                                        counting_hasher):
    # an office behind one address: each colleague mistypes fewer than the per-user limit
    office = Client(REMOTE_ADDR="192.0.2.44")
    users = [UserFactory(username=f"kefu{i}", roles=["customer_service"]) for i in range(3)]
    for user in users:
        for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
            login(office, user.username, "typo")
    for user in users:
        assert login(office, user.username, PASSWORD).status_code == 302
        office.post(reverse("logout"))


def test_the_per_username_limit_still_applies_and_skips_hashing(settings, counting_hasher):
    UserFactory(username="lisi", roles=["customer_service"])
    client = Client(REMOTE_ADDR="192.0.2.45")
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "lisi", "wrong")
    counting_hasher.calls = 0
    assert login(client, "lisi", PASSWORD).status_code == 429
    assert counting_hasher.calls == 0


def test_behind_a_proxy_the_forwarded_address_is_the_one_limited(settings, counting_hasher):
    settings.PROXY_COUNT = 1
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    proxy = "10.0.0.2"
    for i in range(3):
        login(Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50"), f"u{i}", "x")
    locked = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.50")
    assert login(locked, "u9", "x").status_code == 429
    other = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="203.0.113.51")
    assert login(other, "u9", "x").status_code == 200
