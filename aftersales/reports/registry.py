"""Every report, defined in one place (issue 12 item 1, X5): its name, titles, the roles that
may see it, the filters and groupings it accepts, and its query. The pages, the Excel export
and /api/v1/reports all read this registry; a new report is one entry here and one query.

Dealer and factory staff see a report only where ``scoped`` is true, and then only the figures
of their own cases (selectors.ScopedSource).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from aftersales.accounts.roles import SUPERVISOR_ROLES, Role
from aftersales.core.errors import NotFound, PermissionDenied
from aftersales.core.labels import pick_label
from aftersales.reports import money, pareto, queries
from aftersales.reports.errors import ReportErrorCode
from aftersales.reports.filters import ReportFilters, filters_parse
from aftersales.reports.results import ReportResult
from aftersales.reports.selectors import is_scoped

CASE_FILTERS = ("date_from", "date_to", "period", "business_line", "department", "kind",
                "channel")

# Who steers by the case figures: supervisors and management, quality (S8.3 closure rate),
# the 三包 office (S10), the administrator.
OVERVIEW_ROLES = frozenset(SUPERVISOR_ROLES | {Role.QUALITY, Role.QUALITY_FOLLOWER,
                                                Role.SALES_BRANCH, Role.ADMIN})
PARTNER_ROLES = frozenset({Role.DEALER, Role.FACTORY})
FINE_ROLES = frozenset(SUPERVISOR_ROLES | {Role.FINANCE, Role.CASHIER, Role.ADMIN})


@dataclass(frozen=True)
class Report:
    name: str
    title: dict[str, str]
    description: dict[str, str]
    roles: frozenset[str]
    filters: tuple[str, ...]
    group_by: tuple[str, ...]
    query: Callable[[ReportFilters, object], ReportResult]
    scoped: bool = False  # dealer/factory staff with a listed role see their own cases' figures

    @property
    def label(self) -> str:
        return pick_label(self.title, self.name)

    @property
    def text(self) -> str:
        return pick_label(self.description)

    def visible_to(self, user) -> bool:
        if not getattr(user, "is_authenticated", False):
            return False
        if user.is_superuser:
            return True
        if is_scoped(user) and not self.scoped:
            return False
        return bool(user.role_codes & self.roles)

    def run(self, *, user, params: Mapping[str, str]) -> tuple[ReportFilters, ReportResult]:
        f = filters_parse(params=params, accepts=self.filters, group_by=self.group_by)
        return f, self.query(f, user)


REPORTS: tuple[Report, ...] = (
    Report(
        name="case_volume",
        title={"zh": "售后单量与积压", "en": "Case volume and backlog"},
        description={"zh": "每期新增、结案的售后单和期末积压，"
                           "可按业务线、类型、渠道、状态、部门查看。",
                     "en": "Cases opened and closed per period and the backlog at each "
                           "period's end, by business line, kind, channel, state or "
                           "department."},
        roles=OVERVIEW_ROLES | PARTNER_ROLES,
        filters=CASE_FILTERS,
        group_by=("business_line", "kind", "channel", "state", "department"),
        query=queries.case_volume,
        scoped=True,
    ),
    Report(
        name="closure_rate",
        title={"zh": "结案率与处理时长", "en": "Closure rate and cycle time"},
        description={"zh": "结案率 = 本期结案数 / 本期新增数（S8.3），按部门、人员、类型；"
                           "本期结案单的处理时长中位数与 P90。",
                     "en": "Closure rate = closed / opened in the period (S8.3), per "
                           "department, person or kind; median and p90 cycle time of the "
                           "cases closed in the period."},
        roles=OVERVIEW_ROLES | PARTNER_ROLES,
        filters=CASE_FILTERS,
        group_by=("department", "person", "kind", "business_line"),
        query=queries.closure_rate,
        scoped=True,
    ),
    Report(
        name="on_time",
        title={"zh": "按时结案率", "en": "On-time closure"},
        description={"zh": "本期结案单中在全程时限内结案的比例（S9.2），按部门、人员、类型、"
                           "业务线；以及超时的环节与次数（S3.4）。",
                     "en": "Of the cases closed in the period, the share closed within the "
                           "end-to-end time (S9.2), per department, person, kind or business "
                           "line; and the steps that ran late (S3.4)."},
        roles=OVERVIEW_ROLES | PARTNER_ROLES,
        filters=CASE_FILTERS,
        group_by=("department", "person", "kind", "business_line"),
        query=queries.on_time,
        scoped=True,
    ),
    Report(
        name="defect_pareto",
        title={"zh": "不良原因柏拉图", "en": "Defect Pareto"},
        description={"zh": "退回与索赔的数量按供应商、外协厂、产品、型号、批次、不良类别或原因"
                           "从多到少排列，附累计占比；按产品、批次另附不良率"
                           "（对交付数量或批量，S8.3、S11.10）。",
                     "en": "Returned and claimed quantities ranked by supplier, outsourced "
                           "factory, product, model, lot, defect category or reason, with "
                           "the cumulative share; per product and lot also the defect rate "
                           "against the quantity delivered or made (S8.3, S11.10)."},
        roles=OVERVIEW_ROLES | PARTNER_ROLES | frozenset({Role.PURCHASING}),
        filters=("date_from", "date_to", "business_line", "kind"),
        group_by=tuple(pareto.PARETO_GROUPS),
        query=pareto.defect_pareto,
        scoped=True,
    ),
    Report(
        name="refunds",
        title={"zh": "退款统计", "en": "Refunds paid"},
        description={"zh": "本期已退到客户的款项，按退款方式与期间（S7；积分、优惠券按原样退回）。",
                     "en": "Refunds paid out in the period per method and period (S7; points "
                           "and coupons restored in kind)."},
        roles=frozenset(SUPERVISOR_ROLES | {Role.FINANCE, Role.CASHIER, Role.ADMIN}),
        filters=("date_from", "date_to", "period", "business_line"),
        group_by=(),
        query=money.refunds_paid,
    ),
    Report(
        name="cost_of_quality",
        title={"zh": "质量成本", "en": "Cost of quality"},
        description={"zh": "本期结案单的成本（配件、工时、往返运费、赔偿、罚款）与向他方收取的"
                           "费用，按售后类型、不良类别或原因。",
                     "en": "What the cases closed in the period cost — parts, labour, freight "
                           "both ways, compensation, fines — and what was charged to others, "
                           "per case kind, defect category or reason."},
        roles=frozenset(SUPERVISOR_ROLES | {Role.FINANCE, Role.QUALITY, Role.ADMIN}),
        filters=("date_from", "date_to", "business_line", "kind"),
        group_by=("kind", "defect", "reason"),
        query=money.cost_of_quality,
    ),
    Report(
        name="fines",
        title={"zh": "罚款统计", "en": "Fines"},
        description={"zh": "按人员、部门、月份统计的罚款与免罚（S3.4）。",
                     "en": "Fines booked and waived per person, department or month (S3.4)."},
        roles=FINE_ROLES,
        filters=("date_from", "date_to", "department", "status"),
        group_by=("person", "department", "month"),
        query=queries.fines,
    ),
    Report(
        name="satisfaction",
        title={"zh": "客户满意度", "en": "Customer satisfaction (CSAT)"},
        description={"zh": "本期结案单的评价数与平均满意度，按处理人、部门、类型，"
                           "附最新评价意见（S1.7）。",
                     "en": "Ratings and average satisfaction of the cases closed in the "
                           "period, per assignee, department or kind, with the latest "
                           "comments (S1.7)."},
        roles=frozenset(SUPERVISOR_ROLES | {Role.ADMIN}),
        filters=CASE_FILTERS,
        group_by=("person", "department", "kind"),
        query=queries.satisfaction,
    ),
    Report(
        name="policy_outcomes",
        title={"zh": "政策判定结果", "en": "Policy outcomes"},
        description={"zh": "各政策版本中每条规则通过与未通过的次数，以及可受理与不予受理的判定数："
                           "看政策修改带来的变化。",
                     "en": "How often each rule passed or failed per policy version, and how "
                           "many evaluations were allowed or refused: what a policy change "
                           "did."},
        roles=frozenset(SUPERVISOR_ROLES | {Role.ADMIN}),
        filters=("date_from", "date_to", "policy"),
        group_by=(),
        query=queries.policy_outcomes,
    ),
)

_BY_NAME = {report.name: report for report in REPORTS}


def reports_for_user(user) -> list[Report]:
    return [report for report in REPORTS if report.visible_to(user)]


def report_get_for_user(*, user, name: str) -> Report:
    """The report by name if this user may see it: NotFound for an unknown name,
    PermissionDenied for a report the user's roles may not see."""
    report = _BY_NAME.get(name)
    if report is None:
        raise NotFound(_("There is no such report."), code=ReportErrorCode.REPORT_NOT_FOUND)
    if not report.visible_to(user):
        raise PermissionDenied(_("Your role may not see this report."),
                               code=ReportErrorCode.REPORT_FORBIDDEN)
    return report
