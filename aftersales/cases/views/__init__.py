"""Staff pages of cases (issue 4 items 5, 7; UX.md "Staff pages")."""

from aftersales.cases.views.detail import attachment_file, case_act, case_contact, case_detail
from aftersales.cases.views.intake import case_create, fines
from aftersales.cases.views.lists import (
    assign_bulk,
    case_list,
    case_list_export,
    my_queue,
    order_page,
    overdue,
    search,
)

__all__ = ["assign_bulk", "attachment_file", "case_act", "case_contact", "case_create",
           "case_detail", "case_list", "case_list_export", "fines", "my_queue", "order_page",
           "overdue", "search"]
