"""The record steps of the demo stories (issue 11 "Goods and money"): each makes the real
numbered record through its app's service — logistics, quality, finance, charges — played by
the person who does it in real life. The record sets its workflow fact and, where the case's
step waited for it, moves the case on by itself (``cases.services.case_note_record``).

Who does what: customer service (online shop, member store) or the sales specialist
(outsourced) issues the RMA and submits the refund; the customer ships the parcel and answers
on the portal; the warehouse receives consumer returns, the quality follower the own plant's,
the factory's user the factory's; the warehouse inspects consumer returns (S5.5) and quality
judges responsibility (S2.5); the sales VP reviews the quality exception report; finance
approves (never the submitter) and pays; the cashier collects; purchasing writes to the
supplier; the customer-service supervisor approves compensation.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from aftersales.accounts.roles import Role
from aftersales.cases.models import Case
from aftersales.charges import selectors as charges_sel
from aftersales.charges import services as ch
from aftersales.charges.models import Charge, ChargeStatus, Compensation, Quote, QuoteStatus
from aftersales.demo.company import TZ
from aftersales.finance import services as fin
from aftersales.finance.models import PointsKind, Refund, RefundStatus
from aftersales.logistics import services as lg
from aftersales.logistics.models import (
    Destination,
    Discrepancy,
    PaidBy,
    ReturnAuthorization,
    ReturnForm,
)
from aftersales.parties.models import Supplier
from aftersales.quality import services as q
from aftersales.quality.models import QualityReport

OUTSOURCED = "outsourced"
ELECTRONICS = "electronics"
# Who issues the RMA and settles with the customer, per business line.
DESK = {OUTSOURCED: Role.SALES_SPECIALIST, ELECTRONICS: Role.SALES_ASSISTANT}
RECORD_STEPS = frozenset({
    "rma", "ship", "receive", "settle", "form", "sign", "report", "review", "inspect", "outgoing",
    "action", "claim", "refund", "approve_refund", "pay_refund", "confirm_refund", "collect",
    "replace", "quote", "accept_quote", "charge", "collect_charge", "compensate"})


def play_record(case: Case, what: str, args: list, story, cast, n: int) -> Case:
    """Make the record of one story step; answer the case as it is afterwards."""
    args = [a.replace("{n}", f"{n:02d}") if isinstance(a, str) else a for a in args]
    who = _People(cast, case, story.line)
    _STEPS[what](case, args, who, story)
    return Case.objects.get(pk=case.pk)


class _People:
    def __init__(self, cast, case: Case, line: str) -> None:
        self.cast, self.case, self.line = cast, case, line

    def __getattr__(self, role: str):
        return self.cast.for_role(role, self.case)

    @property
    def desk(self):
        return self.cast.for_role(DESK.get(self.line, Role.CUSTOMER_SERVICE), self.case)

    def factory_user(self, factory_id):
        return self.cast.factories.get(factory_id)


def _rma(case: Case) -> ReturnAuthorization:
    return ReturnAuthorization.objects.filter(case=case).order_by("-trip").first()


def _local_day(days: int):
    return timezone.localtime(timezone.now(), TZ).date() + timedelta(days=days)


# ------------------------------------------------------------------------------ logistics
def _issue(case, args, who, story):
    """("rma",) by the policy's routing · ("rma", "plant"): staff choose the own plant ·
    ("rma", "advance"): the defective units come back after a replacement sent first (S8.1)."""
    advance = bool(args) and args[0] == "advance"
    lg.rma_issue(case=case, actor=who.desk, advance_replacement=advance,
                 destination=args[0] if args and not advance else None)


def _ship(case, args, who, story):  # ("ship", courier, tracking[, freight the company pays])
    rma = _rma(case)
    freight = args[2] if len(args) > 2 and rma.shipping_paid_by == PaidBy.COMPANY else None
    lg.rma_ship(rma=rma, actor=None, courier=args[0], tracking_number=args[1],
                freight_cost=freight)


def _receive(case, args, who, story):  # ("receive",) · ("receive", {"short": n})
    opts = args[0] if args else {}
    rma = _rma(case)
    if rma.destination == Destination.FACTORY:
        clerk = who.factory_user(rma.factory_id)
    elif rma.destination == Destination.PLANT:
        clerk = who.quality_follower
    else:
        clerk = who.warehouse
    lines, short = [], opts.get("short", 0)
    for rl in rma.lines.order_by("pk"):
        lines.append({"rma_line": rl.pk, "quantity": rl.quantity - short, "condition": "intact"})
        short = 0
    lg.receipt_record(rma=rma, actor=clerk, lines=lines, note=opts.get("note", ""))


def _settle(case, args, who, story):  # ("settle", outcome, note)
    d = Discrepancy.objects.filter(case=case, settled_at__isnull=True).order_by("pk").first()
    lg.discrepancy_settle(discrepancy=d, actor=who.desk, outcome=args[0], note=args[1])


def _form(case, args, who, story):  # ("form", batch)
    lg.return_form_create(case=case, actor=who.sales_specialist,
                          batch=args[0] if args else "", rework_into_stock=True)


def _sign(case, args, who, story):  # ("sign", "quality_follower" | "factory")
    form = ReturnForm.objects.get(case=case)
    actor = (who.factory_user(form.factory_id or case.factory_id) if args[0] == "factory"
             else who.quality_follower)
    lg.return_form_sign(form=form, actor=actor, role=args[0])


def _replace(case, args, who, story):  # ("replace", courier, tracking, freight)
    lg.shipment_create(case=case, actor=who.warehouse, courier=args[0], tracking_number=args[1],
                       freight_cost=args[2] if len(args) > 2 else "0")


# ------------------------------------------------------------------------------ quality
def _report(case, args, who, story):  # ("report", {problem, analysis, responsibility, …})
    content = {"problem": story.text, "analysis": "待品质分析确认",
               "containment": "库存及在途同批次产品隔离待检", "corrective": "待原因确认后制定",
               **(args[0] if args else {})}
    q.quality_report_open(case=case, actor=who.sales_specialist, **content)


def _open_report(case) -> QualityReport:
    return case.quality_reports.order_by("-pk").first()


def _review(case, args, who, story):  # ("review",) · ("review", comment)
    q.quality_report_review(report=_open_report(case), actor=who.sales_vp, approve=True,
                            comment=args[0] if args else "同意，按判定结果处理")


def _inspect(case, args, who, story):
    """("inspect", "pass") on receipt (the warehouse, S5.5); ("inspect", "fail",
    responsibility, defect code[, report]) — quality judges (S2.5)."""
    result = args[0]
    responsibility = args[1] if len(args) > 1 else ""
    code = args[2] if len(args) > 2 else ""
    judge = responsibility or story.line in (OUTSOURCED, ELECTRONICS)
    actor = who.quality if judge else who.warehouse
    lines = []
    if result == "fail":
        lines = [q.LineFinding(case_line=cl.pk, quantity=cl.quantity, defective=cl.quantity,
                               defect_code=code) for cl in case.lines.order_by("pk")]
    q.inspection_record(case=case, actor=actor, result=result, responsibility=responsibility,
                        defect_code=code, lines=lines,
                        report=args[3] if len(args) > 3 else (
                            "外观、配件、吊牌完好，可二次销售" if result == "pass" else story.text))


def _outgoing(case, args, who, story):
    """("outgoing", "pass") or ("outgoing", "fail", defect code): quality's 出货检验 of the
    reworked or replenished goods (S3.1); passing it moves the goods to the warehouse."""
    result, code = args[0], (args[1] if len(args) > 1 else "")
    lines = [q.LineFinding(case_line=cl.pk, quantity=cl.quantity,
                           defective=cl.quantity if result == "fail" else 0, defect_code=code)
             for cl in case.lines.order_by("pk")]
    q.inspection_record(case=case, actor=who.quality, result=result, kind="outgoing",
                        defect_code=code, lines=lines,
                        report="按出货检验规范抽检，外观、功能、包装合格" if result == "pass"
                        else "出货检验不合格，退回返修")


def _action(case, args, who, story):  # ("action", description, days to do it)
    q.corrective_action_create(actor=who.quality, report=_open_report(case),
                               owner=who.quality_follower, description=args[0],
                               due_on=_local_day(args[1]))


def _claim(case, args, who, story):
    """("claim", supplier code, material, defect, quantity, loss, deduction[, last status]):
    purchasing's 物料异常联络函 sent, acknowledged and passed to finance (or deducted)."""
    code, material, defect, qty, loss, deduction = args[:6]
    last = args[6] if len(args) > 6 else "to_finance"
    claim = q.supplier_claim_create(actor=who.purchasing, supplier=Supplier.objects.get(
        code=code), case=case, material=material, defect=defect, quantity=qty,
        loss_amount=loss, deduction_amount=deduction, defect_code="material")
    for to, note in (("sent", ""), ("acknowledged", "供应商确认来料不良，同意扣款"),
                     ("to_finance", "")):
        claim = q.supplier_claim_move(claim=claim, actor=who.purchasing, to=to, note=note)
        if to == last:
            return
    q.supplier_claim_move(claim=claim, actor=who.finance, to="deducted",
                          reference=f"AP-{claim.number[-6:]}")


# ------------------------------------------------------------------------------ finance
def _refund(case, args, who, story):  # ("refund",) · ("refund", amount, reason)
    fin.refund_create(case=case, actor=who.customer_service,
                      amount=args[0] if args else None, reason=args[1] if len(args) > 1 else "")


def _refund_in(case, status) -> Refund:
    return Refund.objects.filter(case=case, status=status).order_by("-pk").first()


def _approve_refund(case, args, who, story):
    fin.refund_approve(refund=_refund_in(case, RefundStatus.PENDING), actor=who.finance)


def _pay_refund(case, args, who, story):
    """Each line: money by the manual gateway with the bank's reference, coupons and points
    restored in kind."""
    refund = _refund_in(case, RefundStatus.APPROVED)
    for i, line in enumerate(refund.lines.filter(paid_at__isnull=True).order_by("pk"), 1):
        fin.refund_pay(refund=refund, line=line, actor=who.finance,
                       idempotency_key=f"demo:{refund.number}:{line.method}",
                       reference=f"ICBC{refund.number[-6:]}{i:02d}")


def _confirm_refund(case, args, who, story):
    """The customer said on the phone that the money arrived: the refund records it and the
    case stays "processed, awaiting confirmation" for the agent to close (on the portal the
    customer's own confirmation would close it)."""
    fin.refund_confirm_received(refund=_refund_in(case, RefundStatus.PAID), via="phone",
                                actor=who.customer_service)


# ------------------------------------------------------------------------------ charges
def _collect(case, args, who, story):
    """("collect", method): the cashier takes exactly the difference due (多不退少补); the
    member's points come from the ledger, opened with the balance the member had."""
    diff = charges_sel.exchange_difference(case)
    if diff.points_due and fin.points_balance(case.customer) < diff.points_due:
        fin.points_record(customer=case.customer, kind=PointsKind.EARN,
                          delta=max(case.customer.points_balance, diff.points_due),
                          reason="会员积分期初余额", actor=who.cashier)
    ch.difference_collect(case=case, actor=who.cashier, method=args[0],
                          amount=diff.amount_due, points=diff.points_due,
                          reference=f"SK{case.number[-6:]}" if diff.anything_due else "")


def _quote(case, args, who, story):  # ("quote", [(part code, quantity)], labour hours)
    ch.quote_issue(case=case, actor=who.desk, labour_hours=args[1],
                   lines=[{"code": c, "quantity": str(n)} for c, n in args[0]])


def _accept_quote(case, args, who, story):  # ("accept_quote",) portal · ("accept_quote", "phone")
    quote = Quote.objects.get(case=case, status=QuoteStatus.ISSUED)
    channel = args[0] if args else "portal"
    ch.quote_accept(quote=quote, actor=None if channel == "portal" else who.desk,
                    channel=channel)


def _charge(case, args, who, story):  # ("charge", reason, amount, note): whoever is responsible
    ch.charge_by_responsibility(case=case, reason=args[0], amount=args[1], actor=who.quality,
                                note=args[2] if len(args) > 2 else "")


def _collect_charge(case, args, who, story):  # ("collect_charge", method, reference)
    charge = Charge.objects.filter(case=case, status=ChargeStatus.OPEN).order_by("pk").first()
    ch.charge_collect(charge=charge, actor=who.cashier, method=args[0], reference=args[1])


def _compensate(case, args, who, story):
    """S9.6: late — proposed by the system, approved by the supervisor, paid by finance."""
    comp = ch.compensation_propose(case=case, actor=None)
    ch.compensation_decide(compensation=comp, actor=who.cs_supervisor, approve=True,
                           note="超过15个工作日未办结，按规定赔付")
    ch.compensation_pay(compensation=Compensation.objects.get(pk=comp.pk), actor=who.finance,
                        method="bank_transfer", reference=f"ICBC-{comp.number[-6:]}")


_STEPS = {
    "rma": _issue, "ship": _ship, "receive": _receive, "settle": _settle, "form": _form,
    "sign": _sign, "replace": _replace, "report": _report, "review": _review,
    "inspect": _inspect, "outgoing": _outgoing, "action": _action, "claim": _claim,
    "refund": _refund,
    "approve_refund": _approve_refund, "pay_refund": _pay_refund,
    "confirm_refund": _confirm_refund, "collect": _collect, "quote": _quote,
    "accept_quote": _accept_quote, "charge": _charge, "collect_charge": _collect_charge,
    "compensate": _compensate,
}
assert set(_STEPS) == RECORD_STEPS
