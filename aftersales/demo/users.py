"""One demo user per role (X4), in the role's department, with one known password.

Dealer users belong to their dealer (one per region) and factory users to their outsourced
factory; they are not staff. Every internal role is staff; reference data (customers, dealers,
orders, products, imports) is on the pages under /settings/data/ by role
(accounts.data_access), and the admin role is also superuser (the only one who reaches
/admin/). Department supervisors are set.
"""

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import translation

from aftersales.accounts.models import Department, User
from aftersales.accounts.roles import ROLE_DEPARTMENT, SUPERVISOR_ROLES, DepartmentCode, Role
from aftersales.demo.company import DEMO_PASSWORD

# role -> [(username, display name, extra: dealer/factory code)]
DEMO_USERS: dict[str, list[tuple[str, str, str | None]]] = {
    Role.CUSTOMER_SERVICE: [("kefu", "王晓丽", None)],
    Role.CS_SUPERVISOR: [("kefu_zhuguan", "李娟", None)],
    Role.SALES_SPECIALIST: [("yewu_shouhou", "陈志强", None)],
    Role.SALES_ASSISTANT: [("yewu_zhuli", "刘婷", None)],
    Role.SALES_SUPERVISOR: [("yewu_zhuguan", "黄建华", None)],
    Role.SALES_VP: [("yewu_fuzong", "周国栋", None)],
    Role.QUALITY: [("zhijian", "吴海燕", None)],
    Role.QUALITY_FOLLOWER: [("pinzhi_gendan", "郑小军", None)],
    Role.QUALITY_SUPERVISOR: [("pinzhi_zhuguan", "孙丽萍", None)],
    Role.PRODUCTION: [("shengchan", "马永刚", None)],
    Role.PRODUCTION_ENGINEERING: [("shengchan_gongcheng", "何文斌", None)],
    Role.RND: [("yanfa", "林志远", None)],
    Role.REPAIR_TECHNICIAN: [("weixiu", "罗大伟", None)],
    Role.FIELD_ENGINEER: [("xianchang", "谢俊", None)],
    Role.PMC: [("pmc", "唐敏", None)],
    Role.PURCHASING: [("caigou", "许静", None)],
    Role.WAREHOUSE: [("cangku", "邓强", None)],
    Role.FINANCE: [("caiwu", "冯雪梅", None)],
    Role.CASHIER: [("chuna", "曹琳", None)],
    Role.SALES_BRANCH: [("sanbao", "韩磊", None)],
    Role.TECHNICAL: [("jishu", "彭涛", None)],
    Role.MANAGEMENT: [("guanli", "蒋振华", None)],
    Role.DEALER: [("jxs_huabei", "张国庆", "JXS-HB01"), ("jxs_dongbei", "孙德明", "JXS-DB01"),
                  ("jxs_huazhong", "李建设", "JXS-HZ01")],
    Role.FACTORY: [("waixie_boyuan", "刘振东", "WX-F01"), ("waixie_hengtai", "邱国平", "WX-F02")],
    Role.ADMIN: [("admin", "系统管理员", None)],
}

# Role names as the demo company calls them (the code's labels are English msgids).
ROLE_NAMES = {
    Role.CUSTOMER_SERVICE: "客服", Role.CS_SUPERVISOR: "客服主管",
    Role.SALES_SPECIALIST: "业务部售后专员", Role.SALES_ASSISTANT: "业务助理",
    Role.SALES_SUPERVISOR: "业务主管", Role.SALES_VP: "业务副总", Role.QUALITY: "品质工程师",
    Role.QUALITY_FOLLOWER: "品质售后跟单", Role.QUALITY_SUPERVISOR: "品质主管",
    Role.PRODUCTION: "生产部", Role.PRODUCTION_ENGINEERING: "生产工程师", Role.RND: "研发工程师",
    Role.REPAIR_TECHNICIAN: "售后维修技术员", Role.FIELD_ENGINEER: "现场服务工程师",
    Role.PMC: "PMC计划员", Role.PURCHASING: "采购", Role.WAREHOUSE: "仓库管理员",
    Role.FINANCE: "财务", Role.CASHIER: "出纳", Role.SALES_BRANCH: "销售分公司（三包办）",
    Role.TECHNICAL: "技术部鉴定员", Role.MANAGEMENT: "管理层", Role.DEALER: "经销商",
    Role.FACTORY: "外协厂", Role.ADMIN: "系统管理员",
}

# Department names as the company writes them (the code's labels are English msgids).
DEPARTMENT_NAMES = {
    DepartmentCode.CUSTOMER_SERVICE: "客服部", DepartmentCode.SALES: "业务部",
    DepartmentCode.QUALITY: "品质部", DepartmentCode.PRODUCTION: "生产部",
    DepartmentCode.PRODUCTION_ENGINEERING: "生产工程部", DepartmentCode.RND: "研发部",
    DepartmentCode.PMC: "PMC部", DepartmentCode.PURCHASING: "采购部",
    DepartmentCode.WAREHOUSE: "仓库", DepartmentCode.FINANCE: "财务部",
    DepartmentCode.CASHIER: "出纳", DepartmentCode.MANAGEMENT: "总经办",
    DepartmentCode.TECHNICAL: "技术部", DepartmentCode.AFTERSALES_REPAIR: "售后维修部",
}


def load_users(*, dealers: dict, factories: dict) -> dict[str, User]:
    """Create the demo users that are missing; return {username: user} for all of them."""
    for code in DepartmentCode.values:
        Department.objects.get_or_create(code=code, defaults={"name": DEPARTMENT_NAMES[code]})
    departments = {d.code: d for d in Department.objects.all()}
    # A department still named by its English label gets the company's Chinese name.
    with translation.override("en"):
        english = {code: str(label) for code, label in DepartmentCode.choices}
    for code, dept in departments.items():
        if code in DEPARTMENT_NAMES and dept.name == english.get(code):
            dept.name = DEPARTMENT_NAMES[code]
            dept.save(update_fields=["name"])
    groups = {g.name: g for g in Group.objects.filter(name__in=Role.values)}
    password = None
    users: dict[str, User] = {}
    existing = {u.username: u for u in User.objects.filter(
        username__in=[name for rows in DEMO_USERS.values() for name, _d, _x in rows])}
    for role, rows in DEMO_USERS.items():
        for username, display, extra in rows:
            user = existing.get(username)
            if user is None:
                password = password or make_password(DEMO_PASSWORD)  # hash once: fast load
                dept_code = ROLE_DEPARTMENT.get(role)
                user = User.objects.create(
                    username=username, display_name=display, password=password,
                    first_name=display[1:] if len(display) <= 3 else "",
                    last_name=display[:1] if len(display) <= 3 else "",
                    email=f"{username}@huahe.example.cn",
                    department=departments[dept_code] if dept_code else None,
                    dealer=dealers.get(extra) if role == Role.DEALER else None,
                    factory=factories.get(extra) if role == Role.FACTORY else None,
                    is_staff=role not in (Role.DEALER, Role.FACTORY),
                    is_superuser=role == Role.ADMIN)
                user.groups.add(groups[role])
            users[username] = user
    _set_supervisors(departments, users)
    return users


def _set_supervisors(departments: dict, users: dict[str, User]) -> None:
    """Each department without a supervisor gets its supervisor-role member, else its first."""
    for code, dept in departments.items():
        if dept.supervisor_id:
            continue
        members = [(role, users[name]) for role, rows in DEMO_USERS.items()
                   for name, _d, _x in rows if ROLE_DEPARTMENT.get(role) == code]
        if not members:
            continue
        boss = next((u for role, u in members if role in SUPERVISOR_ROLES), members[0][1])
        dept.supervisor = boss
        dept.save(update_fields=["supervisor"])
