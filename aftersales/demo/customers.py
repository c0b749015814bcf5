"""Customers of the five business lines: consumers (网店), members with points (春芝堂),
business customers incl. key accounts (外协, 电子模组), dealers and their farmers (农机)."""

from aftersales.demo.company import Pool
from aftersales.demo.reference import ensure_rows
from aftersales.parties.models import Customer, CustomerKind

# Business customers of the outsourced-manufacturing line (S2): (name, province, city, key)
OUTSOURCED_CUSTOMERS = [
    ("佛山市顺德区美嘉电器有限公司", "广东省", "佛山市", True),
    ("中山市利源给排水设备有限公司", "广东省", "中山市", False),
    ("江门市新会区汇泉水处理工程有限公司", "广东省", "江门市", False),
    ("长沙市湘江建筑安装工程有限公司", "湖南省", "长沙市", False),
    ("南宁市绿城供水设备有限公司", "广西壮族自治区", "南宁市", False),
    ("厦门市鹭岛暖通工程有限公司", "福建省", "厦门市", True),
    ("温州市瓯海阀门经销部", "浙江省", "温州市", False),
    ("昆明市春城水务设备有限公司", "云南省", "昆明市", False),
]
# Business customers of the electronics line (S8, S11); key accounts go to R&D (S8.3).
ELECTRONICS_CUSTOMERS = [
    ("深圳市云视通讯科技有限公司", "广东省", "深圳市", True),
    ("东莞市智联车载电子有限公司", "广东省", "东莞市", True),
    ("惠州市德信智能终端有限公司", "广东省", "惠州市", False),
    ("上海安睿物联技术有限公司", "上海市", "上海市", False),
    ("成都天府视讯电子有限公司", "四川省", "成都市", False),
    ("苏州博源安防科技有限公司", "江苏省", "苏州市", False),
    ("厦门星辰智能家居有限公司", "福建省", "厦门市", False),
]

N_CONSUMERS = 80
N_MEMBERS = 50
N_FARMERS = 42


def load_customers(pool: Pool, dealers: dict) -> dict:
    rnd = pool.rnd
    rows = []
    for i in range(1, N_CONSUMERS + 1):
        province, city, address = pool.place()
        rows.append(dict(code=f"WS-C{i:04d}", kind=CustomerKind.CONSUMER, name=pool.person(),
                         phone=pool.phone(), province=province, city=city, address=address))
    for i in range(1, N_MEMBERS + 1):
        province, city, address = pool.place()
        rows.append(dict(code=f"HY-M{i:04d}", kind=CustomerKind.MEMBER, name=pool.person(),
                         phone=pool.phone(), province=province, city=city, address=address,
                         member_no=f"CZT{20180000 + i * 37:08d}",
                         points_balance=rnd.choice([0, 120, 380, 860, 1500, 2600, 4200, 8800])
                         + rnd.randrange(0, 100)))
    for prefix, companies in (("BZ-W", OUTSOURCED_CUSTOMERS), ("BZ-E", ELECTRONICS_CUSTOMERS)):
        for i, (company, province, city, key) in enumerate(companies, 1):
            rows.append(dict(code=f"{prefix}{i:03d}", kind=CustomerKind.BUSINESS,
                             name=pool.person(), company=company, phone=pool.phone(),
                             email=f"aftersales{prefix[-1].lower()}{i:02d}@customer.example.cn",
                             province=province, city=city, address=f"{province}{city}",
                             key_account=key))
    for code, dealer in sorted(dealers.items()):
        rows.append(dict(code=f"NJ-{code}", kind=CustomerKind.DEALER, name=dealer.contact,
                         company=dealer.name, phone=dealer.phone, province=dealer.province,
                         address=dealer.address, dealer=dealer))
    dealer_list = [dealers[code] for code in sorted(dealers)]
    for i in range(1, N_FARMERS + 1):
        dealer = dealer_list[(i - 1) % len(dealer_list)]
        province, city, address = pool.farm_place(dealer.region)
        rows.append(dict(code=f"NJ-F{i:04d}", kind=CustomerKind.CONSUMER, name=pool.person(),
                         phone=pool.phone(), province=province, city=city, address=address,
                         dealer=dealer))
    return ensure_rows(Customer, "code", rows)
