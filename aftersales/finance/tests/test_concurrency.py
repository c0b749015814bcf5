"""The same refund payment recorded twice at once (a double click reaching two workers) pays
once — on PostgreSQL with two real connections."""

import threading

import pytest
from django.db import connection, connections

from aftersales.finance import services as fs
from aftersales.finance.models import PaymentStatus, PointsEntry, RefundPayment
from aftersales.finance.tests.helpers import inspected_case, mixed_order


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="needs real concurrent connections: DATABASE_URL=postgres://…")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("same_key", [True, False])
def test_two_workers_paying_the_same_line_pay_once(clock, make_user, same_key):
    from aftersales.cases.tests.conftest import _ensure_policies

    _ensure_policies()
    agent, finance = make_user("customer_service"), make_user("finance")
    order = mixed_order(methods=[("cash", "600.00", {}), ("points", "50.00", {"points": 500})])
    case = inspected_case(order, agent, make_user("warehouse"))
    refund = fs.refund_approve(refund=fs.refund_create(case=case, actor=agent), actor=finance)
    lines = list(refund.lines.order_by("pk"))
    barrier = threading.Barrier(2)
    done, refused = [], []

    def pay(i):
        try:
            barrier.wait(timeout=10)
            for line in lines:
                key = f"click:{line.pk}" if same_key else f"worker{i}:{line.pk}"
                done.append(fs.refund_pay(refund=refund, line=line, actor=finance,
                                          idempotency_key=key, reference="现金 7").pk)
        except Exception as exc:  # the loser of different keys hears "paid already"
            refused.append(getattr(exc, "code", None) or repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=pay, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert RefundPayment.objects.filter(status=PaymentStatus.SUCCEEDED).count() == 2, refused
    assert PointsEntry.objects.filter(refund=refund).count() == 1
    if same_key:
        assert not refused and len(set(done)) == 2
    else:
        assert refused and set(refused) == {"line_paid"}
