"""Receipts never count more than was authorized (issue 11 "Bad input"): for any sequence of
parcels, a receipt is accepted exactly when 0 < quantity ≤ what is still to come; a refused one
changes nothing; the RMA is received exactly when everything is in."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aftersales.core.errors import ApplicationError
from aftersales.logistics.models import Receipt, RmaStatus, StockMovement
from aftersales.logistics.services import receipt_record, rma_issue
from aftersales.logistics.tests.conftest import agreed_return


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(authorized=st.integers(1, 3), parcels=st.lists(st.integers(-1, 4), min_size=1,
                                                       max_size=4))
def test_received_never_exceeds_authorized(policies, clock, agent, warehouse, authorized,
                                           parcels):
    case = agreed_return(agent, qty=authorized, bought=authorized)
    rma = rma_issue(case=case, actor=agent)
    line = rma.lines.get()
    got = 0
    for qty in parcels:
        before = Receipt.objects.filter(rma=rma).count()
        try:
            receipt_record(rma=rma, actor=warehouse,
                           lines=[{"rma_line": line.pk, "quantity": qty}])
        except ApplicationError:
            assert not (got < authorized and 0 < qty <= authorized - got), (qty, got)
            assert Receipt.objects.filter(rma=rma).count() == before
        else:
            assert 0 < qty <= authorized - got, (qty, got)
            got += qty
        moved = sum(StockMovement.objects.filter(rma=rma).values_list("quantity", flat=True))
        assert moved == got <= authorized
        rma.refresh_from_db()
        assert (rma.status == RmaStatus.RECEIVED) == (got == authorized)
