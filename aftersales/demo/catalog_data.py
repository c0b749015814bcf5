"""Reference data of the demo company as plain tuples: categories, products, parts price list.

Category codes are the shared vocabulary of POLICY-API.md; `three_guarantees` marks the
categories the 三包 rules cover (REGULATIONS-CN §1 catalogue, and 农机三包 for machinery).
"""

from datetime import date
from decimal import Decimal as D

# (code, 中文, English, three_guarantees, parent code)
CATEGORIES = [
    ("apparel", "服装", "Apparel", False, None),
    ("shoes", "鞋", "Shoes", False, None),
    ("accessories", "配饰", "Accessories", False, None),
    ("small_appliance", "小家电", "Small appliances", False, None),
    ("microwave", "微波炉", "Microwave ovens", True, "small_appliance"),
    ("vacuum_cleaner", "吸尘器", "Vacuum cleaners", True, "small_appliance"),
    ("electric_fan", "电风扇", "Electric fans", True, "small_appliance"),
    ("cosmetics", "化妆品", "Cosmetics", False, None),
    ("tea", "茶叶", "Tea", False, None),
    ("fresh_food", "生鲜", "Fresh food", False, None),
    ("water_machine", "净水机/水机", "Water machines", False, None),
    ("air_purifier", "空气净化器", "Air purifiers", False, None),
    ("filter", "滤芯/滤网", "Filters", False, None),
    ("cookware", "锅具", "Cookware", False, None),
    ("health_food", "保健食品", "Health food", False, None),
    ("pump", "水泵", "Pumps", False, None),
    ("valve", "阀门", "Valves", False, None),
    ("motor", "电机", "Motors", False, None),
    ("camera_module", "摄像头模组", "Camera modules", False, None),
    ("sensor_module", "传感器模组", "Sensor modules", False, None),
    ("lens", "镜头", "Lenses", False, None),
    ("fpc", "FPC柔性线路板", "Flexible printed circuits", False, None),
    ("display_module", "显示模组", "Display modules", False, None),
    ("tractor", "拖拉机", "Tractors", True, None),
    ("harvester", "收获机", "Harvesters", True, None),
    ("farm_implement", "农机具", "Farm implements", True, None),
]

# S11.7/S11.8: the material classes whose lead times and pre-loss the policy prices.
MATERIAL_CLASSES = [
    ("FPC", "FPC柔性线路板"),
    ("SMT", "SMT贴片物料"),
    ("LENS", "镜头"),
    ("SENSOR", "图像/传感芯片"),
    ("FOG", "FOG玻璃绑定"),
]

# (code, name, contact, address)
SUPPLIERS = [
    ("SUP-001", "深圳市联创柔性电路有限公司", "赵工", "广东省深圳市宝安区沙井街道新桥工业区"),
    ("SUP-002", "东莞市精贴电子科技有限公司", "孙经理", "广东省东莞市长安镇乌沙工业园"),
    ("SUP-003", "舜宇光学配套（余姚）镜片厂", "钱经理", "浙江省余姚市阳明街道舜宇路"),
    ("SUP-004", "苏州芯视半导体有限公司", "周经理", "江苏省苏州市工业园区星湖街328号"),
    ("SUP-005", "惠州市宏达精密五金制品厂", "黄厂长", "广东省惠州市惠阳区淡水街道"),
    ("SUP-006", "宁波瑞丰密封件有限公司", "林经理", "浙江省宁波市北仑区大碶街道"),
    ("SUP-007", "佛山市顺德区美厨不锈钢制品有限公司", "何经理", "广东省佛山市顺德区勒流街道"),
    ("SUP-008", "杭州纯源膜科技有限公司", "沈经理", "浙江省杭州市余杭区仁和街道"),
    ("SUP-009", "云南文山三七原料有限公司", "杨经理", "云南省文山州文山市三七产业园"),
    ("SUP-010", "山东潍柴配套动力部件有限公司", "王经理", "山东省潍坊市奎文区民生东街"),
    ("SUP-011", "常州东方纺织服饰有限公司", "陆经理", "江苏省常州市武进区湖塘镇"),
    ("SUP-012", "安溪铁观音茶业合作社", "陈社长", "福建省泉州市安溪县感德镇"),
]

# (code, name, responsible person, phone, address) — S2: two outsourced factories.
FACTORIES = [
    ("WX-F01", "惠州市博远机电制造有限公司", "刘振东", "0752-2861234",
     "广东省惠州市仲恺高新区陈江街道博远工业园"),
    ("WX-F02", "东莞市恒泰精密泵阀厂", "邱国平", "0769-85526789",
     "广东省东莞市塘厦镇林村恒泰工业区"),
]

# (code, name, region, province, contact, address) — S10: dealers in three regions.
DEALERS = [
    ("JXS-HB01", "石家庄丰收农机销售有限公司", "north", "河北省", "张国庆",
     "河北省石家庄市藁城区廉州镇农机市场18号"),
    ("JXS-HB02", "运城市金穗农机经销部", "north", "山西省", "卫红军",
     "山西省运城市盐湖区解放南路农资城"),
    ("JXS-DB01", "绥化市黑土地农机有限公司", "northeast", "黑龙江省", "孙德明",
     "黑龙江省绥化市北林区农机大市场A区"),
    ("JXS-DB02", "长春市沃野农业装备销售中心", "northeast", "吉林省", "姜海波",
     "吉林省长春市农安县农机一条街66号"),
    ("JXS-HZ01", "周口市中原农机商贸有限公司", "central", "河南省", "李建设",
     "河南省周口市川汇区农机产业园"),
    ("JXS-HZ02", "襄阳市楚丰农机经营部", "central", "湖北省", "陈志刚",
     "湖北省襄阳市枣阳市农机市场8号"),
]

P = dict  # a product row


def _p(sku, name, category, price, *, model="", color="", spec="", unit="件", points=0,
       supplier=None, factory=None, **flags):
    return P(sku=sku, name=name, category=category, list_price=D(price), model=model,
             color=color, spec=spec, unit=unit, points=points, supplier=supplier,
             factory=factory, flags=flags)


PRODUCTS = [
    # 网店 (online shop, S1/S5-S7/S9)
    _p("WS-AP-001", "纯棉圆领短袖T恤", "apparel", "79.00", color="白色", spec="L",
       supplier="SUP-011"),
    _p("WS-AP-002", "女士羊毛针织开衫", "apparel", "299.00", color="驼色", spec="M",
       supplier="SUP-011"),
    _p("WS-AP-003", "男士商务休闲裤", "apparel", "199.00", color="藏青", spec="32码",
       supplier="SUP-011"),
    _p("WS-AP-004", "定制印花文化衫（刻字）", "apparel", "59.00", color="黑色", spec="XL",
       supplier="SUP-011", is_custom_made=True),
    _p("WS-SH-001", "轻便透气跑步鞋", "shoes", "369.00", color="黑色", spec="42码", unit="双"),
    _p("WS-SH-002", "女士真皮乐福鞋", "shoes", "459.00", color="米白", spec="37码", unit="双"),
    _p("WS-SA-001", "多功能智能电饭煲", "small_appliance", "329.00", model="FB40-S1",
       spec="4L", unit="台"),
    _p("WS-SA-002", "便携无线榨汁杯", "small_appliance", "159.00", model="ZZ-03",
       color="薄荷绿", unit="个"),
    _p("WS-MW-001", "智能变频微波炉", "microwave", "599.00", model="WB20-B1", spec="20L",
       unit="台"),
    _p("WS-VC-001", "无线手持吸尘器", "vacuum_cleaner", "1299.00", model="XC-V8",
       unit="台"),
    _p("WS-EF-001", "落地空气循环扇", "electric_fan", "269.00", model="FS-30", unit="台"),
    _p("WS-CO-001", "玻尿酸保湿精华液", "cosmetics", "239.00", spec="30ml", unit="瓶"),
    _p("WS-CO-002", "氨基酸温和洁面乳", "cosmetics", "89.00", spec="120g", unit="支"),
    _p("WS-TE-001", "明前西湖龙井", "tea", "388.00", spec="250g/罐", unit="罐",
       supplier="SUP-012"),
    _p("WS-TE-002", "云南普洱熟茶饼", "tea", "168.00", spec="357g", unit="饼",
       supplier="SUP-012"),
    _p("WS-FF-001", "赣南脐橙（现摘）", "fresh_food", "59.00", spec="5kg/箱", unit="箱",
       is_perishable=True),
    _p("WS-GF-001", "品牌帆布购物袋", "accessories", "29.00", color="米色", unit="个"),
    # 春芝堂 member store (S4): points value next to the price (S4.2).
    _p("CZT-SJ-001", "春芝堂家用RO反渗透净水机", "water_machine", "3980.00",
       model="CZT-RO500G", unit="台", points=3980, supplier="SUP-008",
       not_exchangeable=True),
    _p("CZT-SJ-002", "春芝堂厨下式直饮水机", "water_machine", "2680.00", model="CZT-ZY200",
       unit="台", points=2680, supplier="SUP-008", not_exchangeable=True),
    _p("CZT-JH-001", "春芝堂空气净化器", "air_purifier", "2380.00", model="KJ400F-C1",
       unit="台", points=2380, not_exchangeable=True),
    _p("CZT-GJ-001", "春芝堂不粘炒锅", "cookware", "498.00", spec="32cm", unit="口",
       points=498, supplier="SUP-007", not_exchangeable=True),
    _p("CZT-GJ-002", "春芝堂304不锈钢汤锅", "cookware", "368.00", spec="24cm", unit="口",
       points=368, supplier="SUP-007", not_exchangeable=True),
    _p("CZT-LX-001", "净水机复合滤芯", "filter", "298.00", model="CZT-RO500G配套", unit="支",
       points=298, supplier="SUP-008", is_consumable=True),
    _p("CZT-LX-002", "空气净化器HEPA滤网", "filter", "198.00", model="KJ400F配套", unit="片",
       points=198, is_consumable=True),
    _p("CZT-BJ-001", "三七葡萄籽胶囊", "health_food", "168.00", spec="0.5g×60粒", unit="瓶",
       points=168, supplier="SUP-009"),
    _p("CZT-BJ-002", "灵芝孢子粉胶囊", "health_food", "298.00", spec="0.3g×90粒", unit="瓶",
       points=298, supplier="SUP-009"),
    _p("CZT-BJ-003", "蜂胶软胶囊", "health_food", "158.00", spec="0.5g×60粒", unit="瓶",
       points=158),
    _p("CZT-HZ-001", "春芝堂草本修护面霜", "cosmetics", "268.00", spec="50g", unit="瓶",
       points=268, not_exchangeable=True),
    _p("CZT-HZ-002", "春芝堂人参精华水", "cosmetics", "198.00", spec="120ml", unit="瓶",
       points=198, not_exchangeable=True),
    _p("CZT-TC-001", "限时促销套餐（三七葡萄籽胶囊×3+草本修护面霜）", "health_food",
       "598.00", unit="套", points=640, is_promo_bundle=True, not_exchangeable=True),
    # 外协 outsourced manufacturing (S2, S3): made by the two outsourced factories.
    _p("WX-PU-001", "管道增压泵", "pump", "860.00", model="GP-125A", spec="125W 220V",
       unit="台", factory="WX-F01"),
    _p("WX-PU-002", "不锈钢立式多级离心泵", "pump", "3650.00", model="CDLF4-10",
       spec="1.1kW 380V", unit="台", factory="WX-F02"),
    _p("WX-PU-003", "潜水排污泵", "pump", "1480.00", model="WQ15-15-1.5", spec="1.5kW",
       unit="台", factory="WX-F01"),
    _p("WX-VA-001", "电动二通球阀", "valve", "420.00", model="Q911F-16P", spec="DN25",
       unit="个", factory="WX-F02"),
    _p("WX-VA-002", "不锈钢升降式止回阀", "valve", "265.00", model="H41W-16P", spec="DN50",
       unit="个", factory="WX-F02"),
    _p("WX-MO-001", "三相异步电动机", "motor", "1350.00", model="YE3-100L-4",
       spec="2.2kW 4极", unit="台", factory="WX-F01"),
    _p("WX-MO-002", "直流无刷电机", "motor", "580.00", model="BL57-24V", spec="200W",
       unit="台", factory="WX-F01"),
    # 电子模组 electronics module rework (S8, S11).
    _p("DZ-CM-001", "1300万像素自动对焦摄像头模组", "camera_module", "38.50",
       model="HC13M-AF01", unit="pcs", is_key_product=True),
    _p("DZ-CM-002", "车载环视摄像头模组", "camera_module", "126.00", model="HC-AVM200",
       unit="pcs", is_key_product=True),
    _p("DZ-CM-003", "500万像素定焦前置模组", "camera_module", "16.80", model="HC5M-FF02",
       unit="pcs"),
    _p("DZ-SM-001", "指纹识别传感器模组", "sensor_module", "22.00", model="HS-FP306",
       unit="pcs"),
    _p("DZ-SM-002", "TOF测距传感器模组", "sensor_module", "45.00", model="HS-TOF8",
       unit="pcs"),
    _p("DZ-LN-001", "6P手机光学镜头", "lens", "8.60", model="HL-6P-M12", unit="pcs",
       supplier="SUP-003"),
    _p("DZ-LN-002", "160°广角镜头", "lens", "12.00", model="HL-W160", unit="pcs",
       supplier="SUP-003"),
    _p("DZ-FPC-001", "摄像头模组FPC排线", "fpc", "2.80", model="HF-CM13-V2", unit="pcs",
       supplier="SUP-001"),
    _p("DZ-DM-001", "2.4寸TFT显示模组", "display_module", "35.00", model="HD24-TFT-FOG",
       unit="pcs"),
    # 农机 machinery with dealers (S10).
    _p("NJ-TR-001", "华禾504轮式拖拉机", "tractor", "68000.00", model="HH-504",
       spec="50马力 四驱", unit="台", supplier="SUP-010", is_key_product=True),
    _p("NJ-TR-002", "华禾904轮式拖拉机", "tractor", "128000.00", model="HH-904",
       spec="90马力 四驱", unit="台", supplier="SUP-010", is_key_product=True),
    _p("NJ-HV-001", "4LZ-6自走式谷物联合收割机", "harvester", "158000.00", model="4LZ-6",
       spec="喂入量6kg/s", unit="台", supplier="SUP-010"),
    _p("NJ-HV-002", "4YZ-3自走式玉米收获机", "harvester", "189000.00", model="4YZ-3",
       spec="三行", unit="台", supplier="SUP-010"),
    _p("NJ-IM-001", "液压翻转犁", "farm_implement", "12800.00", model="1LF-435",
       spec="4铧35cm", unit="台"),
    _p("NJ-IM-002", "玉米免耕播种机", "farm_implement", "16500.00", model="2BFY-6",
       spec="六行", unit="台"),
    _p("NJ-IM-003", "旋耕机", "farm_implement", "8600.00", model="1GQN-200", spec="幅宽2米",
       unit="台"),
]

# Bill of materials of the electronics products by material class (S11.7, S11.8):
# sku -> [(part_no, name, material class, supplier, quantity per unit)]
COMPONENTS = {
    "DZ-CM-001": [("CM13-FPC", "模组FPC软板", "FPC", "SUP-001", "1"),
                  ("CM13-SMT", "贴片阻容元件组", "SMT", "SUP-002", "1"),
                  ("CM13-LENS", "6P自动对焦镜头", "LENS", "SUP-003", "1"),
                  ("CM13-SNR", "1300万CMOS图像传感器", "SENSOR", "SUP-004", "1")],
    "DZ-CM-002": [("AVM-FPC", "车规FPC软板", "FPC", "SUP-001", "1"),
                  ("AVM-SMT", "车规贴片元件组", "SMT", "SUP-002", "1"),
                  ("AVM-LENS", "190°鱼眼镜头", "LENS", "SUP-003", "1"),
                  ("AVM-SNR", "200万车规图像传感器", "SENSOR", "SUP-004", "1")],
    "DZ-CM-003": [("CM5-FPC", "模组FPC软板", "FPC", "SUP-001", "1"),
                  ("CM5-LENS", "定焦镜头", "LENS", "SUP-003", "1"),
                  ("CM5-SNR", "500万CMOS图像传感器", "SENSOR", "SUP-004", "1")],
    "DZ-SM-001": [("FP-FPC", "指纹FPC", "FPC", "SUP-001", "1"),
                  ("FP-SNR", "电容式指纹芯片", "SENSOR", "SUP-004", "1"),
                  ("FP-SMT", "贴片元件组", "SMT", "SUP-002", "1")],
    "DZ-SM-002": [("TOF-SNR", "TOF感光芯片", "SENSOR", "SUP-004", "1"),
                  ("TOF-LENS", "红外镜头", "LENS", "SUP-003", "1"),
                  ("TOF-SMT", "VCSEL驱动贴片组", "SMT", "SUP-002", "1")],
    "DZ-DM-001": [("DM24-FOG", "玻璃绑定FOG组件", "FOG", None, "1"),
                  ("DM24-FPC", "显示FPC", "FPC", "SUP-001", "1"),
                  ("DM24-SMT", "背光驱动贴片组", "SMT", "SUP-002", "1")],
    # Outsourced products: purchased parts whose supplier answers for material defects (S3.5).
    "WX-PU-001": [("GP125-SEAL", "机械密封组件", None, "SUP-006", "1"),
                  ("GP125-CASE", "铸铁泵壳", None, "SUP-005", "1")],
    "WX-PU-002": [("CDLF-SEAL", "集装式机械密封", None, "SUP-006", "1"),
                  ("CDLF-IMP", "不锈钢叶轮", None, "SUP-005", "10")],
    "WX-PU-003": [("WQ-SEAL", "双端面机械密封", None, "SUP-006", "1")],
    "WX-VA-001": [("Q911-SEAT", "PTFE阀座", None, "SUP-006", "2")],
    "WX-MO-001": [("YE3-SHAFT", "电机转轴", None, "SUP-005", "1")],
    "DZ-LN-001": [("LN6P-LENS", "镜片组", "LENS", "SUP-003", "6")],
    "DZ-FPC-001": [("FPC13-BASE", "FPC基材", "FPC", "SUP-001", "1")],
}

# S4.1 零件/材料费用 (yuan), in the seed's order: (code, name, unit, price, category code).
# The list in force since 2025-01-01; the 2024 list (one price different) shows validity dates.
PRICE_LIST_FROM = date(2025, 1, 1)
PART_PRICES = [
    ("CZT-PJ-01", "密封圈", "个", D("1.50"), "water_machine"),
    ("CZT-PJ-02", "分流器(龙头)", "个", D("180.00"), "water_machine"),
    ("CZT-PJ-03", "水管", "米", D("10.00"), "water_machine"),
    ("CZT-PJ-04", "龙头切换器配件组", "组", D("20.00"), "water_machine"),
    ("CZT-PJ-05", "密封盖", "个", D("10.00"), "water_machine"),
    ("CZT-PJ-06", "旋盖", "个", D("15.00"), "water_machine"),
    ("CZT-PJ-07", "出水手柄", "个", D("280.00"), "water_machine"),
    ("CZT-PJ-08", "包装及印刷品", "个", D("210.00"), None),
    ("CZT-PJ-09", "电池盖扳手", "个", D("3.00"), None),
    ("CZT-PJ-10", "电控板", "个", D("140.00"), "water_machine"),
    # 外协 chargeable repairs (S2.2): parts of the pumps and motors
    ("WX-PJ-01", "防水接线盒", "个", D("45.00"), "motor"),
    ("WX-PJ-02", "电机轴承6206-2RS", "个", D("38.00"), "motor"),
    ("WX-PJ-03", "机械密封组件", "套", D("120.00"), "pump"),
    ("WX-PJ-04", "定子绕组重绕", "台", D("380.00"), "motor"),
]
OLD_PRICE_LIST = (date(2024, 1, 1), date(2024, 12, 31),
                  {"CZT-PJ-10": D("160.00"), "CZT-PJ-07": D("300.00")})
