"""Vocabulary shared by several apps (GLOSSARY.md, POLICY-API.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BusinessLine(models.TextChoices):
    """The five kinds of business of REQUIREMENTS.md; each has a shipped policy."""

    ONLINE_SHOP = "online_shop", _("Online shop")  # 网店 S1, S5-S7, S9
    MEMBER_STORE = "member_store", _("Member store")  # 会员积分商城 S4
    OUTSOURCED = "outsourced", _("Outsourced manufacturing")  # 外协 S2, S3
    ELECTRONICS = "electronics", _("Electronics module rework")  # 客退返修 S8, S11
    MACHINERY = "machinery", _("Machinery dealers")  # 农机三包 S10


DEFAULT_POLICY = {
    BusinessLine.ONLINE_SHOP: "online-shop",
    BusinessLine.MEMBER_STORE: "member-store",
    BusinessLine.OUTSOURCED: "outsourced-manufacturer",
    BusinessLine.ELECTRONICS: "electronics-rework",
    BusinessLine.MACHINERY: "machinery-dealer",
}


class SalesChannel(models.TextChoices):
    ONLINE = "online", _("Online")
    OFFLINE = "offline", _("Offline")
    DEALER = "dealer", _("Dealer")
    B2B = "b2b", _("Business to business")


class PaymentMethod(models.TextChoices):
    WECHAT_PAY = "wechat_pay", _("WeChat Pay")  # 微信支付
    ALIPAY = "alipay", _("Alipay")  # 支付宝
    CARD = "card", _("Bank card")  # 银行卡
    BANK_TRANSFER = "bank_transfer", _("Bank transfer")  # 对公转账
    CASH = "cash", _("Cash")  # 现金
    BALANCE = "balance", _("Account balance")  # 余额
    COUPON = "coupon", _("Coupon")  # 优惠券
    POINTS = "points", _("Points")  # 积分


# Refund money goes back on these; coupons and points come back in kind (POLICY-API).
MONEY_METHODS = {PaymentMethod.WECHAT_PAY, PaymentMethod.ALIPAY, PaymentMethod.CARD,
                 PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH, PaymentMethod.BALANCE}
