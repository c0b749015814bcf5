"""Departments and roles of the seed (S2.1, S3, S8.3, S10.1, S11; X4).

A role is a Django Group whose name is the role code; a department is a row of
accounts.Department. Both sets are created by migration and kept in sync after every migrate,
so a fresh database already has them. What each role may *do* on a case comes from the
workflow in the policy; the model permissions here govern the reference-data admin.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class DepartmentCode(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", _("Customer service")  # 客服部
    SALES = "sales", _("Sales")  # 业务部
    QUALITY = "quality", _("Quality")  # 品质部
    PRODUCTION = "production", _("Production")  # 生产部
    PRODUCTION_ENGINEERING = "production_engineering", _("Production engineering")  # 生产工程
    RND = "rnd", _("R&D")  # 研发部
    PMC = "pmc", _("PMC")  # 生产物料控制
    PURCHASING = "purchasing", _("Purchasing")  # 采购部
    WAREHOUSE = "warehouse", _("Warehouse")  # 仓库
    FINANCE = "finance", _("Finance")  # 财务部
    CASHIER = "cashier", _("Cashier")  # 出纳
    MANAGEMENT = "management", _("Management")  # 管理层
    TECHNICAL = "technical", _("Technical department")  # 技术部 (S10.1)
    AFTERSALES_REPAIR = "aftersales_repair", _("After-sales repair")  # 售后维修 (S11.1)


class Role(models.TextChoices):
    CUSTOMER_SERVICE = "customer_service", _("Customer service agent")  # 客服 S1
    CS_SUPERVISOR = "cs_supervisor", _("Customer service supervisor")  # 客服主管 S1.5
    SALES_SPECIALIST = "sales_specialist", _("Sales after-sales specialist")  # 业务部售后专员 S2.1
    SALES_ASSISTANT = "sales_assistant", _("Sales assistant")  # 业务助理 S8.3
    SALES_SUPERVISOR = "sales_supervisor", _("Sales supervisor")  # 业务主管 S2.3
    SALES_VP = "sales_vp", _("Sales vice president")  # 业务副总 S3.2
    QUALITY = "quality", _("Quality engineer")  # 品质部 S2.1, S8.3
    QUALITY_FOLLOWER = "quality_follower", _("Quality after-sales follower")  # 品质售后跟单 S2.1
    QUALITY_SUPERVISOR = "quality_supervisor", _("Quality supervisor")  # 品质主管
    PRODUCTION = "production", pgettext_lazy("role", "Production")  # 生产部 S8.3
    PRODUCTION_ENGINEERING = "production_engineering", _("Production engineer")  # 生产工程 S8.3
    RND = "rnd", _("R&D engineer")  # 研发 S8.3
    REPAIR_TECHNICIAN = "repair_technician", _("Repair technician")  # 售后维修 S11.1
    FIELD_ENGINEER = "field_engineer", _("Field service engineer")  # 现场工程师 S11.2
    PMC = "pmc", _("PMC planner")  # PMC S11.7
    PURCHASING = "purchasing", pgettext_lazy("role", "Purchasing")  # 采购 S3.5
    WAREHOUSE = "warehouse", _("Warehouse clerk")  # 仓库 S3.3
    FINANCE = "finance", pgettext_lazy("role", "Finance")  # 财务 S7.2, S3.4
    CASHIER = "cashier", pgettext_lazy("role", "Cashier")  # 出纳 S4.3
    SALES_BRANCH = "sales_branch", _("Sales branch (三包 office)")  # 销售分公司 S10.1
    TECHNICAL = "technical", _("Technical appraiser")  # 技术部 S10.1
    MANAGEMENT = "management", pgettext_lazy("role", "Management")  # 管理层 S7.3
    DEALER = "dealer", _("Dealer")  # 经销商 S10
    FACTORY = "factory", _("Outsourced factory")  # 外协厂 S2
    ADMIN = "admin", _("System administrator")  # 系统管理员


# The department a role normally belongs to (a user's own department may differ).
ROLE_DEPARTMENT: dict[str, str] = {
    Role.CUSTOMER_SERVICE: DepartmentCode.CUSTOMER_SERVICE,
    Role.CS_SUPERVISOR: DepartmentCode.CUSTOMER_SERVICE,
    Role.SALES_SPECIALIST: DepartmentCode.SALES,
    Role.SALES_ASSISTANT: DepartmentCode.SALES,
    Role.SALES_SUPERVISOR: DepartmentCode.SALES,
    Role.SALES_VP: DepartmentCode.SALES,
    Role.QUALITY: DepartmentCode.QUALITY,
    Role.QUALITY_FOLLOWER: DepartmentCode.QUALITY,
    Role.QUALITY_SUPERVISOR: DepartmentCode.QUALITY,
    Role.PRODUCTION: DepartmentCode.PRODUCTION,
    Role.PRODUCTION_ENGINEERING: DepartmentCode.PRODUCTION_ENGINEERING,
    Role.RND: DepartmentCode.RND,
    Role.REPAIR_TECHNICIAN: DepartmentCode.AFTERSALES_REPAIR,
    Role.FIELD_ENGINEER: DepartmentCode.AFTERSALES_REPAIR,
    Role.PMC: DepartmentCode.PMC,
    Role.PURCHASING: DepartmentCode.PURCHASING,
    Role.WAREHOUSE: DepartmentCode.WAREHOUSE,
    Role.FINANCE: DepartmentCode.FINANCE,
    Role.CASHIER: DepartmentCode.CASHIER,
    Role.SALES_BRANCH: DepartmentCode.SALES,
    Role.TECHNICAL: DepartmentCode.TECHNICAL,
    Role.MANAGEMENT: DepartmentCode.MANAGEMENT,
    Role.ADMIN: DepartmentCode.MANAGEMENT,
}

# Supervisors: who a breach in a department escalates to (S3.4, X2).
SUPERVISOR_ROLES = {Role.CS_SUPERVISOR, Role.SALES_SUPERVISOR, Role.SALES_VP,
                    Role.QUALITY_SUPERVISOR, Role.MANAGEMENT}

# Roles that talk to customers (PIPL): they may reveal a case's full phone number and address on
# the case page, each reveal recorded; every other role sees them masked (138****1234).
# Dealer staff reach only their own dealer's cases, so a dealer sees only its own customers.
CUSTOMER_FACING_ROLES = {Role.CUSTOMER_SERVICE, Role.CS_SUPERVISOR, Role.SALES_SPECIALIST,
                         Role.SALES_ASSISTANT, Role.SALES_SUPERVISOR, Role.SALES_VP,
                         Role.SALES_BRANCH, Role.FIELD_ENGINEER, Role.DEALER, Role.MANAGEMENT,
                         Role.ADMIN}

# Model permissions per role for the reference-data admin: (app_label, actions) pairs.
# Actions are Django's add/change/delete/view; "*" means all four.
ROLE_MODEL_PERMISSIONS: dict[str, list[tuple[str, str, str]]] = {
    # (app_label, model or "*", actions)
    Role.ADMIN: [("*", "*", "*")],
    Role.CUSTOMER_SERVICE: [("parties", "customer", "view,add,change"), ("sales", "*", "view"),
                            ("catalog", "*", "view")],
    Role.CS_SUPERVISOR: [("parties", "customer", "view,add,change"), ("sales", "*", "view"),
                         ("catalog", "*", "view")],
    Role.SALES_SPECIALIST: [("parties", "*", "view"), ("sales", "*", "view"),
                            ("catalog", "*", "view")],
    Role.SALES_ASSISTANT: [("parties", "*", "view"), ("sales", "*", "view,add,change"),
                           ("catalog", "*", "view"), ("imports", "*", "view,add")],
    Role.SALES_SUPERVISOR: [("parties", "*", "view,add,change"), ("sales", "*", "view,add,change"),
                            ("catalog", "*", "view"), ("imports", "*", "view,add")],
    Role.SALES_VP: [("parties", "*", "view"), ("sales", "*", "view"), ("catalog", "*", "view")],
    Role.QUALITY: [("catalog", "*", "view"), ("sales", "*", "view"), ("parties", "*", "view")],
    Role.QUALITY_FOLLOWER: [("catalog", "*", "view"), ("sales", "*", "view"),
                            ("parties", "outsourcedfactory", "view")],
    Role.QUALITY_SUPERVISOR: [("catalog", "*", "view"), ("sales", "*", "view"),
                              ("parties", "*", "view")],
    Role.PURCHASING: [("parties", "supplier", "view,add,change"), ("catalog", "*", "view")],
    Role.WAREHOUSE: [("catalog", "*", "view"), ("sales", "*", "view")],
    Role.FINANCE: [("sales", "*", "view"), ("parties", "*", "view"),
                   ("catalog", "partprice", "view,add,change")],
    Role.CASHIER: [("sales", "payment", "view")],
    Role.SALES_BRANCH: [("parties", "dealer", "view,add,change"), ("sales", "*", "view,add,change"),
                        ("parties", "customer", "view,add,change")],
    Role.MANAGEMENT: [("*", "*", "view")],
}
