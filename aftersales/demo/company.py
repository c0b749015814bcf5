"""The demo company: its name, divisions and the pools of Chinese names and places it draws from.

One group running the five business lines of REQUIREMENTS.md (S1-S11); names and facts are
borrowed from the seed (春芝堂 member store S4, 惠州生产事业部 S2.6, LENS/SENSOR/FPC/SMT/FOG S11,
农机 dealers S10). Everything here is data as users would enter it, so it is Chinese.
"""

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

COMPANY_NAME = "广东华禾实业集团有限公司"
COMPANY_SHORT = "华禾集团"
DIVISIONS = {
    "online_shop": "华禾优品官方旗舰店",  # 网店 S1, S5-S7, S9
    "member_store": "春芝堂会员商城（上海春芝堂生物制品有限公司）",  # S4
    "outsourced": "惠州生产事业部",  # S2.6
    "electronics": "深圳光电模组事业部",  # S8, S11
    "machinery": "华禾农业机械有限公司",  # S10
}
COMPANY_ADDRESS = "广东省惠州市惠城区水口街道华禾工业园1号"
HUIZHOU_PLANT = "广东省惠州市惠城区水口街道华禾工业园3栋 惠州生产事业部"

DEMO_PASSWORD = "demo12345"
DEFAULT_SEED = 20260101
MONTHS = 18  # orders spread over the last 18 months

TZ = ZoneInfo("Asia/Shanghai")

SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔"
)
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "明", "超", "秀英", "霞", "平", "刚", "桂英", "建华", "文", "辉", "玲", "婷",
         "鹏", "飞", "雪", "晓红", "志强", "海燕", "丹", "萍", "红梅", "建国", "玉兰", "子涵",
         "浩然", "欣怡", "梓萱", "宇轩", "诗琪", "一诺", "俊杰", "佳怡", "思远", "梦琪", "晨"]

# (province, city, districts, streets)
PLACES = [
    ("广东省", "广州市", ["天河区", "海珠区", "番禺区"], ["天河路", "新港中路", "市桥街"]),
    ("广东省", "深圳市", ["南山区", "福田区", "宝安区"], ["科技园南路", "深南大道", "新安六路"]),
    ("广东省", "惠州市", ["惠城区", "惠阳区"], ["江北文昌一路", "淡水开城大道"]),
    ("上海市", "上海市", ["浦东新区", "徐汇区", "闵行区"], ["张杨路", "漕溪北路", "七莘路"]),
    ("北京市", "北京市", ["朝阳区", "海淀区", "丰台区"], ["建国路", "中关村大街", "丰台北路"]),
    ("浙江省", "杭州市", ["西湖区", "余杭区"], ["文三路", "五常大道"]),
    ("江苏省", "南京市", ["鼓楼区", "江宁区"], ["中山北路", "双龙大道"]),
    ("江苏省", "苏州市", ["工业园区", "姑苏区"], ["星湖街", "人民路"]),
    ("四川省", "成都市", ["武侯区", "高新区"], ["人民南路", "天府大道"]),
    ("湖北省", "武汉市", ["洪山区", "江汉区"], ["珞喻路", "解放大道"]),
    ("福建省", "厦门市", ["思明区", "湖里区"], ["湖滨南路", "仙岳路"]),
    ("山东省", "青岛市", ["市南区", "崂山区"], ["香港中路", "海尔路"]),
    ("陕西省", "西安市", ["雁塔区", "碑林区"], ["小寨西路", "南大街"]),
    ("湖南省", "长沙市", ["岳麓区", "芙蓉区"], ["麓山南路", "五一大道"]),
]
RESIDENCES = ["阳光花园", "金地名苑", "翠湖小区", "万科城", "碧桂园", "保利花园", "绿地新都会",
              "锦绣家园", "幸福里", "华润城"]

# Farm villages by dealer region (S10: farmer customers of the dealers).
FARM_PLACES = {
    "north": [("河北省", "石家庄市", "藁城区"), ("河北省", "邢台市", "宁晋县"),
              ("山西省", "运城市", "临猗县")],
    "northeast": [("黑龙江省", "绥化市", "海伦市"), ("吉林省", "长春市", "农安县"),
                  ("辽宁省", "铁岭市", "昌图县")],
    "central": [("河南省", "周口市", "太康县"), ("河南省", "驻马店市", "上蔡县"),
                ("湖北省", "襄阳市", "枣阳市")],
}
VILLAGES = ["前进村", "东风村", "红旗村", "李庄村", "王屯村", "杨家营村", "新民村", "三合村"]

CARRIERS = ["顺丰速运", "中通快递", "圆通速递", "京东物流", "韵达快递", "EMS"]
FREIGHT = ["德邦物流", "安能物流", "顺丰快运", "客户自提"]


class Pool:
    """Deterministic draws (a seeded random.Random) for names, phones and addresses."""

    def __init__(self, seed: int):
        self.rnd = random.Random(seed)

    def person(self) -> str:
        return self.rnd.choice(SURNAMES) + self.rnd.choice(GIVEN)

    def phone(self) -> str:
        prefix = self.rnd.choice(["138", "139", "135", "136", "150", "158", "186", "188", "177",
                                  "199", "131", "182"])
        return prefix + f"{self.rnd.randrange(10**8):08d}"

    def place(self):
        province, city, districts, streets = self.rnd.choice(PLACES)
        district = self.rnd.choice(districts)
        address = (f"{province if province != city else ''}{city}{district}"
                   f"{self.rnd.choice(streets)}{self.rnd.randint(1, 999)}号"
                   f"{self.rnd.choice(RESIDENCES)}{self.rnd.randint(1, 30)}栋"
                   f"{self.rnd.randint(1, 32)}{self.rnd.randint(1, 4):02d}室")
        return province, city, address

    def farm_place(self, region: str):
        province, city, county = self.rnd.choice(FARM_PLACES[region])
        village = self.rnd.choice(VILLAGES)
        return province, city, f"{province}{city}{county}{village}{self.rnd.randint(1, 12)}组"


def local_dt(day: date, rnd: random.Random, start_hour: int = 8, end_hour: int = 22) -> datetime:
    """An aware datetime on `day` (Asia/Shanghai) at a random minute inside business hours."""
    minute = rnd.randrange(start_hour * 60, end_hour * 60)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=TZ)


def days_back(today: date, rnd: random.Random, low: int = 1, high: int | None = None) -> date:
    """A day between `low` and `high` days before today (default: the last 18 months).

    One draw in six falls in the last three weeks, so the short windows (7-day no-reason
    return B7, 20-day warranty card S10.4) have live cases to show.
    """
    high = high or MONTHS * 30 + 8
    if rnd.random() < 1 / 6:
        high = min(high, max(low, 21))
    return today - timedelta(days=rnd.randint(low, high))
