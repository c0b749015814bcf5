"""Portal order lookups (order number + phone) are limited: failed guesses per address and per
order number; past a limit every lookup is refused (429) until the window passes, with a
message. Over-long or odd input is answered like an unknown order."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from aftersales.cases.tests import factories as f


@pytest.fixture
def order(policies, clock):
    return f.order()


def _find(client, number, phone):
    return client.post(reverse("portal:index"), {"order_number": number, "phone": phone})


def test_guessing_phones_for_one_order_locks_that_order_for_every_address(settings, order):
    # given the per-order limit of failed guesses, each from a different address
    for i in range(settings.PORTAL_LOOKUP_FAILURES_PER_ORDER):
        guesser = Client(REMOTE_ADDR=f"203.0.113.{i + 1}")
        assert _find(guesser, order.number, f"1390000000{i}").status_code == 200
    # then even the right phone from a new address is refused for now, with a message
    owner = Client(REMOTE_ADDR="198.51.100.1")
    r = _find(owner, order.number, order.customer.phone)
    assert r.status_code == 429 and "分钟后再试" in r.content.decode()
    # while another order can still be found from that address
    other = f.order()
    assert _find(owner, other.number, other.customer.phone).status_code == 302
    # and once the window has passed the owner gets in
    cache.clear()
    assert _find(owner, order.number, order.customer.phone).status_code == 302


def test_one_address_guessing_many_orders_is_locked(settings, order):
    settings.PORTAL_LOOKUP_FAILURES_PER_ADDRESS = 4
    scanner = Client(REMOTE_ADDR="203.0.113.77")
    for i in range(4):
        _find(scanner, f"SO-GUESS-{i}", "13800000000")
    r = _find(scanner, order.number, order.customer.phone)
    assert r.status_code == 429
    assert _find(Client(REMOTE_ADDR="203.0.113.78"), order.number,
                 order.customer.phone).status_code == 302


def test_successful_lookups_are_not_counted(settings, order):
    settings.PORTAL_LOOKUP_FAILURES_PER_ORDER = 2
    customer = Client(REMOTE_ADDR="198.51.100.9")
    for _ in range(5):
        assert _find(customer, order.number, order.customer.phone).status_code == 302


@pytest.mark.parametrize("number", ["x" * 10_000, "SO-1'; DROP TABLE x;--", "订单号" * 50])
def test_odd_order_numbers_are_answered_like_unknown_ones(order, number):
    r = _find(Client(REMOTE_ADDR="198.51.100.20"), number, "13800000000")
    assert r.status_code == 200 and 'id="find-error"' in r.content.decode()
