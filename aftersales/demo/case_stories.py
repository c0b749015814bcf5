"""The demo cases as stories: what the customer bought and said, and the steps the company's
people (and the customer on the portal) took since. Played by aftersales.demo.cases.

`opened` is (days before the load day, local time); steps are done 25 minutes apart unless a
("wait", hours) step says otherwise. The problem texts are Chinese, as customers say them.
Steps:
  verify | confirm | evaluate — case_verify / case_confirm_problem / case_evaluate
  ("accept", resolution)      — the customer accepts that option on the portal (S1.5)
  ("fact", code, data)        — the role at work records a fact; "cfact": the customer does
                                (facts of no record: verified_order, exchange_application, …)
  ("go", transition, reason)  — a user of the transition's roles; "cgo": the customer
  ("adjust", amount, note), ("reject", reason), ("appeal", statement), close, ("rate", n, text)
Record steps (issue 11; aftersales.demo.records): the record's service sets its workflow fact
and, where the current step waited for it, moves the case itself — no ("go", …) follows. A
record-backed fact (workflow.vocabulary.RECORD_FACTS) is never ticked with "fact".
  ("rma",) ("rma", "plant")   — the RMA (customer service; the sales specialist for 外协, who
                                may send sporadic items to the own plant): return instructions;
                                ("rma", "advance"): the defective units follow a replacement sent
                                first (S8.1)
  ("ship", courier, tracking[, freight]) — the customer's parcel (freight kept when we pay)
  ("receive",) ("receive", {"short": n, "note": …}) — the receipt: warehouse, quality follower
                                (own plant) or the factory's user (whole batch, S2.6)
  ("settle", outcome, note)   — a receipt discrepancy settled with the customer (S2.7)
  ("form", batch), ("sign", "quality_follower" | "factory") — the 退货处理单 and its signatures
  ("report"[, {content}]), ("review",) — the 品质异常处理报告, reviewed by the sales VP
  ("inspect", "pass")         — the warehouse's inspection on receipt (S5.5)
  ("inspect", "fail", responsibility, defect code[, report]) — quality judges (S2.2, S2.5)
  ("outgoing", "pass"|"fail"[, defect code]) — quality's 出货检验 of the reworked goods (S3.1)
  ("action", text, days), ("claim", supplier, material, defect, qty, loss, deduction)
                              — a corrective action (S3.6), purchasing's supplier claim (S3.5)
  ("refund",) ("approve_refund",) ("pay_refund",) ("confirm_refund",) — submitted by customer
                                service, approved and paid by finance, confirmed by the customer
  ("collect", method)         — the cashier collects the exchange difference due (S4.3)
  ("replace", courier, tracking, freight) — the warehouse ships the replacement
  ("quote", [(part, qty)], hours), ("accept_quote"[, "phone"]) — a repair quote and its answer
  ("charge", reason, amount, note), ("collect_charge", method, reference) — charge whoever
                                quality found responsible; the cashier collects it
  ("compensate",)             — S9.6 late compensation: proposed, approved, paid
Strings may hold "{n}", replaced by the story's number (tracking numbers, batches).
`pays`: the story refunds or collects money (in the load or next in the browser), so it takes
one of the orders made for that (WS-1009nn, HY-2009nn: card, bank transfer or cash with a
coupon and points), which the manual gateway and the in-kind restore pay back without WeChat
Pay/Alipay credentials.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ONLINE, MEMBER, OUTSOURCED, ELECTRONICS, MACHINERY = (
    "online_shop", "member_store", "outsourced", "electronics", "machinery")

# Who takes a phone call on each line (the first state's role).
TAKES_CALLS = {ONLINE: "customer_service", MEMBER: "customer_service",
               OUTSOURCED: "sales_specialist", ELECTRONICS: "quality", MACHINERY: "sales_branch"}
WINDOWS = {ONLINE: (3, 45), MEMBER: (3, 60), OUTSOURCED: (5, 120), ELECTRONICS: (5, 120),
           MACHINERY: (10, 240)}


@dataclass(frozen=True)
class Story:
    line: str
    kind: str
    opened: tuple[int, str]
    text: str
    symptom: str = ""
    cats: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()
    channel: str = "phone"
    reason: str = "quality"
    defect: str = ""
    qty: int = 1
    min_qty: int = 1
    steps: tuple = ()
    priority: str = "normal"
    verify: bool = True  # the caller's phone checked against the order at intake (S1.2)
    by: str | None = "default"  # role taking the call; None: the customer on the portal
    key: bool | None = None  # wants a key account's order (True/False) or any (None)
    card: str | None = None  # machinery: "on_time" / "missing" warranty card (S10.4)
    assign: bool = True
    evidence: tuple[str, ...] = ()
    condition: dict = field(default_factory=dict)  # POLICY-API item condition
    exchange_for: tuple[dict, ...] = ()  # what the customer wants instead (S4.2)
    window: tuple[int, int] = (0, 0)  # the order was placed this many days before (min, max)
    # The refund is paid: an order paid with these money methods (and a coupon and points).
    pays: tuple[str, ...] = ()

    def __post_init__(self):
        if self.by == "default":
            object.__setattr__(self, "by", None if self.channel == "web_portal"
                               else TAKES_CALLS[self.line])
        if self.window == (0, 0):
            object.__setattr__(self, "window", WINDOWS[self.line])


def st(line, kind, opened, text, **kw) -> Story:
    return Story(line=line, kind=kind, opened=opened, text=text, **kw)


# --- step sequences shared by several stories ------------------------------------------
OFFER = (("confirm",), ("go", "confirm_problem"), ("evaluate",), ("go", "offer_options"))
ONLINE_OFFER = (("go", "verify"),) + OFFER
# The RMA makes "send return instructions", the customer's parcel "ship back", the receipt
# "receive" and the warehouse's inspection "inspect" (issue 11: records, not ticks).
RETURN_BACK = (("rma",), ("ship", "顺丰速运", "SF14208392{n}11", "12.00"), ("wait", 40),
               ("receive",), ("inspect", "pass"))
REFUND = (("refund",), ("wait", 20), ("approve_refund",), ("pay_refund",))
MANUAL = ("card", "bank_transfer", "cash")  # what the manual gateway pays back
MEMBER_OFFER = (("confirm",), ("go", "confirm_problem"), ("evaluate",), ("go", "offer_options"))
# The specialist's 退货处理单 and 品质异常处理报告 make "open the report" (S2.4, S3.2); the VP's
# approval "review"; quality's inspection naming the factory "approve the return" (S2.5).
REPORT = (("form", "B2026-{n}"), ("report",))
REVIEW = (("review",),)
JUDGE_FACTORY = (("inspect", "fail", "factory", "assembly", "密封圈装配不到位，外协厂责任"),)
# The whole batch goes back to its factory (S2.6): the factory's receipt, both signatures.
AT_FACTORY = (("rma",), ("ship", "德邦物流", "DPK7730{n}5521"), ("wait", 72), ("receive",),
              ("sign", "factory"), ("sign", "quality_follower"))
# Sporadic items to the own plant, checked by the quality follower.
AT_PLANT = (("rma", "plant"), ("ship", "顺丰快运", "SF55120{n}8830"), ("wait", 72), ("receive",),
            ("sign", "quality_follower"), ("sign", "factory"))
RMA_IN = (("fact", "rma_form", {"rma_no": "RMA-2026-1108"}), ("go", "receive_sent_in"))
CLASSIFY = (("fact", "in_warranty"), ("fact", "problem_sheet", {"sheet_no": "CPF-0612"}),
            ("go", "classify"))
REGISTER = (("fact", "service_register", {"register_no": "SB-2026-0388"}),)

INTACT = {"unused": True, "packaging_intact": True, "seal_intact": True, "tags_attached": True,
          "all_parts_present": True}

STORIES: list[Story] = [
    # ================= 网店 online shop (S1, S5-S7, S9) =================================
    # fresh intakes waiting for verification: the customer-service queue
    st(ONLINE, "return", (0, "09:20"), "买的羊毛开衫洗了一次就起球，袖口还有线头，想退货。",
       symptom="起球、线头", cats=("apparel",), channel="web_portal", verify=False,
       assign=False),
    st(ONLINE, "exchange", (0, "10:05"), "鞋码偏小，穿着挤脚，想换大一码的，鞋子没穿出门。",
       symptom="尺码不合适", cats=("shoes",), reason="other", assign=False),
    st(ONLINE, "refund_only", (0, "08:40"),
       "脐橙收到有好几个烂了，还有一股酸味，箱子也压扁了，要求退款。", symptom="到货腐烂",
       cats=("fresh_food",), channel="chat", reason="damaged_in_transit", window=(1, 10),
       evidence=("photos",), pays=MANUAL,
       steps=(("go", "verify"), ("confirm",), ("go", "confirm_problem"))),
    st(ONLINE, "complaint", (0, "11:30"), "客服电话一直打不通，在线客服也不回，我要投诉！",
       symptom="联系不上客服", cats=("small_appliance",), channel="web_portal", verify=False,
       reason="other", assign=False),
    # overdue at the first steps (S9.3: 3 working days)
    st(ONLINE, "return", (9, "14:10"), "吸尘器用了三天吸力就变小了，还有烧焦的味道，不敢再用。",
       symptom="吸力下降、焦味", cats=("vacuum_cleaner",), channel="web_portal",
       verify=False),
    st(ONLINE, "exchange", (8, "16:45"), "收到的T恤是白色的，我下单的是黑色，发错货了。",
       symptom="发错颜色", cats=("apparel",), reason="wrong_item",
       steps=(("go", "verify"),)),
    # options offered, waiting for the customer's choice (S1.4)
    st(ONLINE, "repair", (2, "15:00"), "风扇摇头功能坏了，转到一边就卡住，还响。",
       symptom="摇头卡滞异响", cats=("electric_fan",), steps=ONLINE_OFFER),
    # negotiation above the agent's authority: the supervisor approves (S1.5)
    st(ONLINE, "return", (3, "10:30"), "电饭煲内胆涂层掉了一块，煮饭粘锅，我不想退了，给点补偿吧。",
       symptom="内胆涂层脱落", cats=("small_appliance",), skus=("WS-SA-001",), pays=MANUAL,
       steps=ONLINE_OFFER + (("cgo", "decline_options"),
                             ("adjust", "120.00", "客户保留商品，补偿120元"),
                             ("go", "request_adjustment_approval",
                              "超出客服50元权限，申请主管审批"))),
    # accepted options waiting for the goods (S5.2-S5.4)
    st(ONLINE, "return", (2, "13:20"), "裤子腰围太大了，不合身，七天内申请退货。",
       symptom="不合身", cats=("apparel",), reason="no_reason", window=(1, 5),
       steps=ONLINE_OFFER + (("accept", "return"), ("rma",))),
    st(ONLINE, "return", (4, "09:50"), "跑步鞋鞋底开胶了，才跑了两次。",
       symptom="鞋底开胶", cats=("shoes",), defect="开胶",
       steps=ONLINE_OFFER + (("accept", "return"), ("rma",),
                             ("ship", "圆通速递", "YT7741002385"))),
    # received and inspected, refunds at finance (S7.2); one of them long overdue (S9.5)
    st(ONLINE, "return", (6, "11:00"), "精华液有分层现象，味道也不对，怀疑是过期的。",
       symptom="分层、异味", cats=("cosmetics",), window=(2, 40), pays=MANUAL,
       steps=ONLINE_OFFER + (("accept", "return"),) + RETURN_BACK + (("refund",),)),
    st(ONLINE, "return", (16, "15:30"), "开衫有色差，实物比图片暗很多，要求退货退款。",
       symptom="色差", cats=("apparel",), reason="not_as_described", pays=MANUAL,
       steps=ONLINE_OFFER + (("accept", "return"),) + RETURN_BACK + (("refund",),)),
    st(ONLINE, "refund_only", (3, "19:40"), "茶叶罐运输中压坏了，茶叶洒了一半，只要退款不用退货。",
       symptom="包装破损", cats=("tea",), reason="damaged_in_transit", evidence=("photos",),
       steps=ONLINE_OFFER + (("accept", "refund_only"), ("refund",),
                             ("wait", 20), ("approve_refund",))),
    # exchange being shipped, repair in progress
    st(ONLINE, "exchange", (5, "12:10"), "鞋子左脚有明显褶皱，像是别人退回的，要求换新。",
       symptom="外观瑕疵", cats=("shoes",),
       steps=ONLINE_OFFER + (("accept", "exchange"),
                             ("go", "reship_in_advance", "外观瑕疵照片清晰，客户急穿，先发新鞋"))),
    st(ONLINE, "repair", (6, "17:25"), "微波炉加热不均匀，转盘不转了。",
       symptom="转盘不转", cats=("microwave",),
       steps=ONLINE_OFFER + (("accept", "repair"), ("go", "schedule_repair"))),
    # closed and rated (S1.7)
    st(ONLINE, "return", (24, "10:15"), "洁面乳用了脸上起红疹，要退货。",
       symptom="使用后过敏", cats=("cosmetics",), reason="allergy", pays=MANUAL,
       steps=ONLINE_OFFER + (("accept", "return"),) + RETURN_BACK + REFUND
       + (("close",), ("rate", 5, "退款很快，客服小姐姐态度也很好，点赞！"))),
    st(ONLINE, "exchange", (30, "16:00"), "榨汁杯充不进电，指示灯不亮。",
       symptom="无法充电", cats=("small_appliance",), skus=("WS-SA-002",),
       steps=ONLINE_OFFER + (("accept", "exchange"),
                             ("go", "reship_in_advance", "客户视频确认无法充电，先行换新"),
                             ("wait", 70),
                             ("replace", "顺丰速运", "SF7702{n}3318", "12.00"),
                             ("go", "ship_replacement"), ("wait", 50), ("close",),
                             ("rate", 2, "换货等了快一个星期，物流太慢了，希望改进。"))),
    st(ONLINE, "repair", (35, "09:30"), "风扇遥控器失灵，按了没反应。",
       symptom="遥控失灵", cats=("electric_fan",),
       steps=ONLINE_OFFER + (("accept", "repair"), ("go", "schedule_repair"), ("wait", 60),
                             ("go", "finish_repair"), ("wait", 30), ("close",),
                             ("rate", 4, "修好了，就是寄来寄去花了点时间。"))),
    # rejected and appealed with new evidence (S9.3); the second appeal is overdue
    st(ONLINE, "return", (3, "14:00"), "定制的文化衫不想要了，申请七天无理由退货。",
       symptom="不想要了", skus=("WS-AP-004",), reason="no_reason", window=(1, 60),
       steps=ONLINE_OFFER[:4] + (("reject", "定制商品不适用七天无理由退货（下单时已确认）"),
                                 ("wait", 26),
                                 ("appeal", "印出来的字和我下单时填的不一样，是你们印错了，"
                                            "不是我不想要，照片已经发给客服了。"))),
    st(ONLINE, "return", (12, "10:40"), "吸尘器电池续航只有五分钟，要求退货。",
       symptom="续航短", cats=("vacuum_cleaner", "microwave"), window=(20, 200),
       steps=ONLINE_OFFER[:4] + (("reject", "已超过退货期限，可按三包办理维修"), ("wait", 30),
                                 ("appeal", "买回来第三天就发现续航不行，当时就联系过客服，"
                                            "有聊天记录截图为证。"))),
    # enquiries
    st(ONLINE, "consult", (0, "12:45"), "请问满300减30的订单退一件，优惠会怎么扣？",
       channel="chat", assign=False),
    st(ONLINE, "consult", (10, "21:05"), "电风扇的保修期是多久？需要保留发票吗？",
       channel="chat",
       steps=(("go", "answer"), ("wait", 20), ("close",), ("rate", 5, "回复很及时，谢谢！"))),

    # ================= 春芝堂 member store (S4) ==========================================
    st(MEMBER, "exchange", (0, "10:20"), "蜂胶软胶囊买多了两瓶，没拆封，想换成灵芝孢子粉胶囊。",
       symptom="买多了想换", cats=("health_food",), skus=("CZT-BJ-003", "CZT-BJ-002"),
       reason="other", channel="web_portal", verify=False, assign=False),
    st(MEMBER, "exchange", (2, "15:40"), "三七葡萄籽胶囊想换成蜂胶的，包装都没动过。",
       symptom="想换其他商品", skus=("CZT-BJ-001",), reason="other", condition=INTACT,
       exchange_for=({"sku": "CZT-BJ-003", "unit_price": "158.00", "points": 158,
                      "quantity": 1},),
       steps=(("evaluate",), ("go", "tell_rules"))),
    st(MEMBER, "exchange", (5, "11:10"), "蜂胶胶囊瓶盖封口破了，换一瓶新的。",
       symptom="封口破损", skus=("CZT-BJ-003",), defect="包装破损", pays=MANUAL,
       window=(1, 10),
       steps=(("evaluate",), ("go", "tell_rules"),
              ("cfact", "exchange_application", {"form": "换货申请"}),
              ("cgo", "submit_application"), ("accept", "exchange"), ("rma",),
              ("wait", 30), ("receive",))),
    st(MEMBER, "repair", (4, "09:00"), "净水机出水越来越小，还一直响，滤芯刚换过。",
       symptom="出水小、异响", cats=("water_machine",), window=(5, 300),
       steps=MEMBER_OFFER + (("accept", "repair"),)),
    st(MEMBER, "repair", (9, "14:30"), "直饮水机漏水，厨房柜子里都是水。",
       symptom="漏水", cats=("water_machine",), window=(5, 300),
       steps=MEMBER_OFFER + (("accept", "repair"), ("rma",),
                             ("wait", 50), ("receive",))),
    st(MEMBER, "return", (7, "16:20"), "炒锅用了一周就粘锅，涂层起泡，要退货。",
       symptom="涂层起泡", cats=("cookware",), window=(3, 90), pays=MANUAL,
       steps=MEMBER_OFFER + (("accept", "return"), ("rma",),
                             ("wait", 48), ("receive",), ("inspect", "pass"), ("refund",))),
    st(MEMBER, "return", (11, "10:00"), "面霜用了脸过敏发红，要求退货。",
       symptom="使用后过敏", cats=("cosmetics",), reason="allergy", window=(3, 90),
       steps=MEMBER_OFFER[:3] + (("reject", "化妆品已开封使用，且无医院证明"), ("wait", 30),
                                 ("appeal", "已去医院看过皮肤科，诊断为接触性皮炎，"
                                            "病历和发票照片已上传。"))),
    st(MEMBER, "repair", (40, "10:30"), "空气净化器开机就报警，显示E3。",
       symptom="E3故障", cats=("air_purifier",), window=(5, 300),
       steps=MEMBER_OFFER + (("accept", "repair"), ("rma",),
                             ("wait", 48), ("receive",),
                             ("wait", 48), ("go", "repaired"), ("go", "ship_back"),
                             ("wait", 30), ("close",),
                             ("rate", 3, "修好了，但是中间没人主动告诉我进度。"))),
    st(MEMBER, "exchange", (21, "13:15"), "胶囊买错了，想换成蜂胶软胶囊，差价多退少补。",
       symptom="换购其他商品", skus=("CZT-BJ-001", "CZT-BJ-003"), reason="other",
       condition=INTACT, window=(3, 55),
       exchange_for=({"sku": "CZT-BJ-003", "unit_price": "158.00", "points": 158,
                      "quantity": 1},),
       steps=(("evaluate",), ("go", "tell_rules"),
              ("cfact", "exchange_application", {"form": "换货申请"}),
              ("cgo", "submit_application"), ("accept", "exchange"), ("rma",),
              ("wait", 48), ("receive",), ("collect", "wechat_pay"),
              ("replace", "顺丰速运", "SF3318{n}0921", "12.00"), ("go", "ship"),
              ("wait", 30), ("close",),
              ("rate", 4, "换货流程挺顺利的，收银开了单当天就发货了。"))),
    st(MEMBER, "consult", (1, "09:35"), "我的积分什么时候到账？用积分买的东西能退吗？",
       channel="phone"),

    # ================= 外协 outsourced manufacturing (S2, S3) ============================
    st(OUTSOURCED, "return", (0, "09:10"),
       "我们收到的增压泵有8台运行噪音特别大，其中两台接口处漏水，要求退货。",
       symptom="噪音大、漏水", cats=("pump",), qty=8, evidence=("photos",)),
    st(OUTSOURCED, "repair", (1, "14:00"), "电机装上去以后温升很高，运行半小时就烫手。",
       symptom="温升过高", cats=("motor",), qty=3, steps=(("go", "escalate"),)),
    # 品质异常处理报告 awaiting the sales VP: one within its 24 hours, one 3 days late (S3.4)
    st(OUTSOURCED, "return", (0, "08:30"), "止回阀关不严，回流严重，这批货我们不敢装。",
       symptom="关闭不严回流", cats=("valve",), qty=40, steps=REPORT),
    st(OUTSOURCED, "return", (3, "10:00"), "多级离心泵扬程达不到铭牌参数，客户现场验收不通过。",
       symptom="扬程不足", cats=("pump",), qty=5, steps=REPORT),
    # quality judging responsibility (S2.5): one on time, one late
    st(OUTSOURCED, "return", (0, "07:50"), "电动球阀通电不动作，手动可以转。",
       symptom="通电不动作", cats=("valve",), qty=12,
       steps=REPORT + (("wait", 2), ("review",))),
    st(OUTSOURCED, "return", (2, "09:30"), "排污泵绕组烧了，用了不到一个月。",
       symptom="绕组烧毁", cats=("pump",), qty=2,
       steps=REPORT + (("wait", 5), ("review",))),
    # approved, waiting for the goods; at the factory; rework; closed; chargeable repair
    st(OUTSOURCED, "return", (6, "11:20"), "增压泵压力开关失灵，不停启停。",
       symptom="频繁启停", cats=("pump",), qty=6,
       steps=REPORT + (("wait", 3), ("review",), ("wait", 4)) + JUDGE_FACTORY
       + (("rma",),)),
    st(OUTSOURCED, "return", (10, "15:00"), "整批止回阀阀瓣卡死，121个全部要退。",
       symptom="阀瓣卡死", cats=("valve",), qty=100, min_qty=50,
       steps=REPORT + (("wait", 4), ("review",), ("wait", 3)) + JUDGE_FACTORY
       + AT_FACTORY),
    st(OUTSOURCED, "repair", (14, "10:10"), "电机轴承异响，转起来嗡嗡响。",
       symptom="轴承异响", cats=("motor",), qty=4,
       steps=REPORT + (("wait", 5), ("review",), ("wait", 4)) + JUDGE_FACTORY
       + AT_PLANT + (("wait", 20), ("go", "plan_rework"))),
    st(OUTSOURCED, "return", (30, "09:00"), "离心泵机械密封漏水，已经影响生产。",
       symptom="机械密封漏水", cats=("pump",), qty=3,
       steps=REPORT + (("wait", 3), ("review",), ("wait", 5)) + JUDGE_FACTORY
       + AT_PLANT + (("wait", 20), ("go", "replenish"), ("outgoing", "pass"), ("wait", 24),
                     ("replace", "德邦物流", "DPK88120{n}7", "260.00"), ("go", "ship"),
                     ("wait", 20), ("close",),
          ("rate", 4, "处理比较及时，补货质量没问题。"))),
    st(OUTSOURCED, "repair", (5, "16:00"), "电机接线盒进水短路了。",
       symptom="进水短路", cats=("motor",), qty=1,
       steps=REPORT + (("wait", 3), ("review",), ("wait", 6),
                       ("inspect", "fail", "customer", "misuse", "现场安装未做防水，非质量问题"),
                       ("quote", [("WX-PJ-01", 1), ("WX-PJ-04", 1)], "3"))),

    # ================= 电子模组 electronics rework (S8, S11) ==============================
    st(ELECTRONICS, "repair", (0, "09:40"),
       "来料检验发现这批模组对焦不良，抽检50pcs有7pcs拍照模糊。",
       symptom="对焦不良", cats=("camera_module",), qty=50, channel="email", key=False),
    st(ELECTRONICS, "complaint", (2, "08:30"),
       "产线急停！传感器模组批量测距不准，客户要求明天到现场处理。", symptom="测距不准",
       cats=("sensor_module",), qty=120, priority="urgent"),
    st(ELECTRONICS, "repair", (5, "10:00"), "显示模组有亮线，约30pcs，已按RMA寄回。",
       symptom="显示亮线", cats=("display_module",), qty=30, key=False, steps=RMA_IN),
    st(ELECTRONICS, "repair", (4, "13:00"), "指纹模组识别率低，寄回60pcs分析。",
       symptom="识别率低", cats=("sensor_module",), qty=60, key=False,
       steps=RMA_IN + (("wait", 20),) + CLASSIFY + (("go", "route_repair_shop"),)),
    st(ELECTRONICS, "repair", (7, "09:15"), "FPC排线折弯处断线，80pcs。",
       symptom="FPC断线", cats=("fpc", "lens", "camera_module"), qty=80, key=False,
       steps=RMA_IN + (("wait", 20),) + CLASSIFY
       + (("go", "route_repair_shop"), ("wait", 20), ("fact", "ipqc_confirmed"),
          ("go", "shop_disassembled"))),
    st(ELECTRONICS, "repair", (6, "10:30"), "镜头模组脏污，批量500pcs退回返修。",
       symptom="镜头脏污", cats=("camera_module", "lens"), qty=500, min_qty=500, key=False,
       steps=RMA_IN + (("wait", 20),) + CLASSIFY
       + (("go", "route_production"), ("wait", 20), ("fact", "ipqc_confirmed"),
          ("go", "production_disassembled"), ("wait", 30), ("fact", "material_ready"),
          ("go", "production_material_ready"))),
    st(ELECTRONICS, "repair", (3, "11:45"), "车载环视模组夜视画面噪点多，重点客户，请尽快分析。",
       symptom="夜视噪点", cats=("camera_module",), qty=20, key=True,
       steps=RMA_IN + (("wait", 6),) + CLASSIFY + (("go", "route_rnd"),)),
    st(ELECTRONICS, "repair", (25, "14:20"), "摄像头模组无图像，40pcs。",
       symptom="无图像", cats=("camera_module",), qty=40, key=False,
       steps=(("fact", "dispatch_form", {"form_no": "FW-0917"}), ("go", "confirm_on_site"),
              ("go", "warehouse_units"), ("wait", 20)) + CLASSIFY
       + (("go", "route_repair_shop"), ("wait", 24), ("fact", "ipqc_confirmed"),
          ("go", "shop_disassembled"), ("wait", 48), ("fact", "material_ready"),
          ("go", "shop_material_ready"), ("wait", 72), ("go", "shop_repaired"),
          ("go", "confirm_repair"), ("wait", 6), ("go", "ship_back"), ("wait", 24),
          ("close",), ("rate", 5, "返修良率很高，交期也准时。"))),
    st(ELECTRONICS, "exchange", (2, "16:10"), "镜头有划伤，先补发200pcs，不良品随后寄回。",
       symptom="镜头划伤", cats=("lens",), qty=200, by="sales_assistant",
       steps=(("fact", "rma_form", {"rma_no": "RMA-2026-1121"}),
              ("go", "advance_replacement"), ("rma", "advance"),
              ("replace", "顺丰速运", "SF66210{n}0415", "35.00"))),

    # ================= 农机 machinery dealers (S10 三包) ==================================
    st(MACHINERY, "repair", (0, "07:30"), "拖拉机早上启动困难，冒黑烟，着车后没劲。",
       symptom="启动困难、冒黑烟", cats=("tractor",), by="dealer", card="on_time"),
    st(MACHINERY, "repair", (2, "08:15"), "收割机割台不转，皮带烧了一根。",
       symptom="割台不转", cats=("harvester",), card="on_time",
       steps=REGISTER + (("go", "request_appraisal"),)),
    st(MACHINERY, "repair", (3, "06:50"), "拖拉机液压提升不起来，地里的活停了，急！",
       symptom="液压无提升", cats=("tractor",), card="on_time", priority="high",
       steps=REGISTER + (("fact", "warranty_card", {"card": "已回执"}),
                         ("go", "dispatch_routine"))),
    st(MACHINERY, "repair", (4, "09:00"), "玉米收获机剥皮辊卡死。", symptom="剥皮辊卡死",
       cats=("harvester", "tractor"), card="missing",
       steps=REGISTER + (("go", "quote_paid_repair"),)),
    st(MACHINERY, "exchange", (6, "10:20"), "新买的拖拉机变速箱异响，要求更换。",
       symptom="变速箱异响", cats=("tractor",), card="on_time",
       steps=REGISTER + (("go", "request_appraisal"), ("wait", 24),
                         ("fact", "appraisal", {"result": "变速箱齿轮缺陷"}),
                         ("fact", "warranty_card", {"card": "已回执"}),
                         ("go", "approve_replacement"), ("wait", 48), ("go", "replaced"))),
    st(MACHINERY, "repair", (20, "08:00"), "收割机发动机水温高，开锅。", symptom="水温高",
       cats=("harvester", "tractor"), card="on_time",
       steps=REGISTER + (("fact", "warranty_card", {"card": "已回执"}),
                         ("go", "dispatch_routine"), ("wait", 8), ("go", "dealer_repaired"),
                         ("wait", 48), ("fact", "old_part_recovered"),
                         ("go", "recover_old_part"), ("close",),
                         ("rate", 5, "师傅当天就到地头修好了，没耽误秋收。"))),
    st(MACHINERY, "repair", (8, "15:30"), "犁铧断了，要求三包。", symptom="犁铧断裂",
       cats=("tractor", "harvester"), card="on_time",
       steps=REGISTER + (("go", "request_appraisal"), ("wait", 20),
                         ("fact", "appraisal", {"result": "石块撞击，人为损坏"}),
                         ("reject", "鉴定为作业时撞击石块造成，属人为损坏，不在三包范围"))),
    st(MACHINERY, "consult", (1, "16:00"), "拖拉机首保是多少小时？在哪做？",
       steps=(("go", "answer"),)),

    # ============ issue 11 "Goods and money": each stage of the three journeys, by its records
    # 网店 consumer return (S5, S7, S9.5-S9.6), orders paid by card/bank transfer + coupon +
    # points: received, inspected, refund approved awaiting payment, paid and confirmed by the
    # customer, a refund breach (received more than 15 days ago), late compensation.
    st(ONLINE, "return", (3, "10:40"), "T恤洗了一次就变形了，领口松垮，申请退货。",
       symptom="洗后变形", skus=("WS-AP-001",), pays=MANUAL, window=(1, 15),
       steps=ONLINE_OFFER + (("accept", "return"), ("rma",),
                             ("ship", "中通快递", "7731{n}0086512", "10.00"), ("wait", 30),
                             ("receive",))),
    st(ONLINE, "return", (4, "09:15"), "跑步鞋鞋面开线，走路硌脚，要退货。",
       symptom="鞋面开线", skus=("WS-SH-001",), pays=MANUAL, window=(1, 15),
       steps=ONLINE_OFFER + (("accept", "return"),) + RETURN_BACK),
    st(ONLINE, "return", (9, "14:20"), "乐福鞋穿了半天鞋跟就掉了，要求退货退款。",
       symptom="鞋跟脱落", skus=("WS-SH-002",), pays=MANUAL, window=(1, 15),
       steps=ONLINE_OFFER + (("accept", "return"),) + RETURN_BACK
       + (("refund",), ("wait", 20), ("approve_refund",))),
    st(ONLINE, "return", (12, "11:05"), "休闲裤两条都有跳线，裤脚还不一样长，全部退货。",
       symptom="跳线、长短不一", skus=("WS-AP-003",), qty=2, pays=MANUAL, window=(1, 15),
       steps=ONLINE_OFFER + (("accept", "return"),) + RETURN_BACK + REFUND
       + (("wait", 30), ("confirm_refund",))),
    st(ONLINE, "return", (22, "16:30"), "跑步鞋中底断裂，申请退货。",
       symptom="中底断裂", skus=("WS-SH-001",), pays=MANUAL, window=(1, 15),
       steps=ONLINE_OFFER + (("accept", "return"),) + RETURN_BACK
       + (("refund",), ("wait", 48), ("approve_refund",))),
    st(ONLINE, "return", (45, "10:10"), "榨汁杯刀头转不动，电机有焦味，要求退货。",
       symptom="刀头不转、焦味", skus=("WS-SA-002",), pays=MANUAL, window=(1, 15),
       steps=ONLINE_OFFER + (("accept", "return"), ("rma",),
                             ("ship", "顺丰速运", "SF14208392{n}77", "12.00"), ("wait", 40),
                             ("receive",), ("wait", 540), ("inspect", "pass"), ("refund",),
                             ("wait", 20), ("approve_refund",), ("compensate",),
                             ("pay_refund",), ("wait", 24), ("close",),
                             ("rate", 2, "退款拖了三个多星期，虽然给了赔付，体验还是很差。"))),

    # 春芝堂 exchanges (S4.2-S4.3 多不退少补): difference due at the cashier, collected with the
    # cashier's receipt, replacement shipped with tracking; one for cheaper goods (nothing back)
    st(MEMBER, "exchange", (3, "15:10"), "蜂胶软胶囊想换成三七葡萄籽胶囊，包装没拆，差价我补。",
       symptom="想换其他商品", skus=("CZT-BJ-003",), reason="other", condition=INTACT,
       pays=MANUAL, window=(1, 15),
       exchange_for=({"sku": "CZT-BJ-001", "unit_price": "168.00", "points": 168,
                      "quantity": 1},),
       steps=(("evaluate",), ("go", "tell_rules"),
              ("cfact", "exchange_application", {"form": "换货申请"}),
              ("cgo", "submit_application"), ("accept", "exchange"), ("rma",),
              ("ship", "中通快递", "7520{n}113309"), ("wait", 30), ("receive",))),
    st(MEMBER, "exchange", (6, "10:25"), "蜂胶软胶囊换三七葡萄籽胶囊，差价和积分到店补。",
       symptom="想换其他商品", skus=("CZT-BJ-003",), reason="other", condition=INTACT,
       pays=MANUAL, window=(1, 15),
       exchange_for=({"sku": "CZT-BJ-001", "unit_price": "168.00", "points": 168,
                      "quantity": 1},),
       steps=(("evaluate",), ("go", "tell_rules"),
              ("cfact", "exchange_application", {"form": "换货申请"}),
              ("cgo", "submit_application"), ("accept", "exchange"), ("rma",), ("wait", 30),
              ("receive",), ("wait", 3), ("collect", "cash"))),
    st(MEMBER, "exchange", (10, "13:40"), "两瓶蜂胶换一瓶三七葡萄籽胶囊，差价刷卡补。",
       symptom="想换其他商品", skus=("CZT-BJ-003",), reason="other", condition=INTACT,
       pays=MANUAL, window=(1, 15),
       exchange_for=({"sku": "CZT-BJ-001", "unit_price": "168.00", "points": 168,
                      "quantity": 1},),
       steps=(("evaluate",), ("go", "tell_rules"),
              ("cfact", "exchange_application", {"form": "换货申请"}),
              ("cgo", "submit_application"), ("accept", "exchange"), ("rma",), ("wait", 30),
              ("receive",), ("wait", 2), ("collect", "card"), ("wait", 4),
              ("replace", "顺丰速运", "SF3318{n}4452", "12.00"), ("go", "ship"))),
    st(MEMBER, "exchange", (8, "09:50"), "三七葡萄籽胶囊想换成蜂胶软胶囊，便宜的差价不用退。",
       symptom="想换其他商品", skus=("CZT-BJ-001",), reason="other", condition=INTACT,
       pays=MANUAL, window=(1, 15),
       exchange_for=({"sku": "CZT-BJ-003", "unit_price": "158.00", "points": 158,
                      "quantity": 1},),
       steps=(("evaluate",), ("go", "tell_rules"),
              ("cfact", "exchange_application", {"form": "换货申请"}),
              ("cgo", "submit_application"), ("accept", "exchange"), ("rma",), ("wait", 30),
              ("receive",), ("collect", "none"), ("replace", "中通快递", "7520{n}998341", "8.00"),
              ("go", "ship"), ("wait", 48), ("close",),
              ("rate", 5, "换了更便宜的，差价不退也提前说清楚了，没问题。"))),

    # 外协 B2B returns (S2-S3): chargeable repair whose quote the customer accepted (S2.2);
    # sporadic items short on receipt, settled (S2.7) and one still open; a supplier claim at
    # finance (S3.5) with a corrective action (S3.6); a whole batch through the factory to
    # shipment, its cost charged to the factory and deducted.
    st(OUTSOURCED, "repair", (8, "09:20"), "直流无刷电机烧了两台，我们是按说明书正常使用的。",
       symptom="电机烧毁", cats=("motor",), skus=("WX-MO-002",), qty=2,
       steps=REPORT + (("wait", 3), ("review",), ("wait", 5),
                       ("inspect", "fail", "customer", "misuse",
                        "客户电源电压超出额定范围，绕组过热烧毁，非质量问题"),
                       ("quote", [("WX-PJ-04", 2), ("WX-PJ-02", 2)], "4"), ("wait", 26),
                       ("accept_quote", "phone"), ("rma", "plant"))),
    st(OUTSOURCED, "return", (12, "10:30"), "管道增压泵6台漏水，要求退回处理。",
       symptom="漏水", skus=("WX-PU-001",), qty=6, min_qty=6,
       steps=REPORT + (("wait", 3), ("review",), ("wait", 4),
                       ("inspect", "fail", "factory", "leak", "泵体结合面渗漏"),
                       ("rma", "plant"), ("ship", "顺丰快运", "SF5512{n}4410"), ("wait", 72),
                       ("receive", {"short": 1, "note": "实收5台，少1台"}), ("wait", 6),
                       ("settle", "accept", "客户确认另1台已在现场修好，按实收5台处理"),
                       ("sign", "quality_follower"), ("sign", "factory"), ("wait", 20),
                       ("go", "plan_rework"))),
    st(OUTSOURCED, "return", (4, "08:40"), "止回阀关闭有异响，退回12个。",
       symptom="关闭异响", skus=("WX-VA-002",), qty=12, min_qty=12,
       steps=REPORT + (("wait", 3), ("review",), ("wait", 3),
                       ("inspect", "fail", "factory", "function", "阀瓣导向磨损"),
                       ("rma", "plant"), ("ship", "顺丰快运", "SF5512{n}7702"), ("wait", 40),
                       ("receive", {"short": 2, "note": "到货10个，单上12个"}))),
    st(OUTSOURCED, "return", (20, "09:00"), "多级离心泵机械密封漏水，运行不到两周。",
       symptom="机械密封漏水", skus=("WX-PU-002",), qty=2,
       steps=REPORT + (("wait", 3), ("review",), ("wait", 4),
                       ("inspect", "fail", "factory", "leak", "机械密封动静环早期磨损"),
                       ("action", "机械密封来料增加硬度抽检；外协厂装配前逐件检验", 30))
       + AT_PLANT + (("wait", 24),
                     ("claim", "SUP-006", "集装式机械密封 CDLF-SEAL",
                      "来料硬度不足，动静环早期磨损", 2, "3200.00", "2400.00"),
                     ("wait", 4), ("go", "plan_rework"))),
    st(OUTSOURCED, "return", (28, "10:00"), "整批电动球阀内漏，20个全部退回。",
       symptom="内漏", skus=("WX-VA-001",), qty=20, min_qty=20,
       steps=REPORT + (("wait", 3), ("review",), ("wait", 4),
                       ("inspect", "fail", "factory", "leak", "阀座密封面加工不良，整批内漏"),
                       ("action", "外协厂阀座加工增加密封试验，每批首件送检", 20))
       + AT_FACTORY + (("wait", 24), ("go", "plan_rework"), ("wait", 72),
                       ("go", "finish_rework"), ("outgoing", "pass"), ("wait", 8),
                       ("replace", "德邦物流", "DPK6620{n}31", "180.00"), ("go", "ship"),
                       ("charge", "factory_quality", "1500.00", "整批内漏：往返运费及返工工时"),
                       ("collect_charge", "deduction", "AP-2026-07{n}"), ("wait", 20),
                       ("close",), ("rate", 5, "外协厂返修后整批验收合格。"))),
    # New stories go at the end: a story's key is its position (demo-<n>).
]
