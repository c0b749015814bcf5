"""Customers, dealers, suppliers and outsourced factories."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStamped


class Region(models.TextChoices):
    NORTH = "north", _("North China")  # 华北
    NORTHEAST = "northeast", _("Northeast China")  # 东北
    EAST = "east", _("East China")  # 华东
    SOUTH = "south", _("South China")  # 华南
    CENTRAL = "central", _("Central China")  # 华中
    SOUTHWEST = "southwest", _("Southwest China")  # 西南
    NORTHWEST = "northwest", _("Northwest China")  # 西北


class CustomerKind(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")  # 消费者
    MEMBER = "member", _("Member")  # 会员
    BUSINESS = "business", _("Business customer")  # 企业客户
    DEALER = "dealer", _("Dealer")  # 经销商


class Dealer(TimeStamped):
    code = models.CharField(_("dealer code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    region = models.CharField(_("region"), max_length=20, choices=Region.choices)
    province = models.CharField(_("province"), max_length=40, blank=True)
    contact = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dealer")
        verbose_name_plural = _("dealers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Customer(TimeStamped):
    code = models.CharField(_("customer code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices,
                            default=CustomerKind.CONSUMER)
    name = models.CharField(_("name"), max_length=120)
    company = models.CharField(_("company"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    province = models.CharField(_("province"), max_length=40, blank=True)
    city = models.CharField(_("city"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    key_account = models.BooleanField(_("key account"), default=False)  # 重点客户 S8.3
    member_no = models.CharField(_("member number"), max_length=40, blank=True)
    points_balance = models.IntegerField(_("points balance"), default=0)  # 积分 S4
    dealer = models.ForeignKey(
        Dealer, verbose_name=_("dealer"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="customers",
        help_text=_("For a dealer customer: the dealer record; for a farmer: the selling dealer."),
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(points_balance__gte=0),
                                   name="customer_points_not_negative"),
        ]

    def __str__(self) -> str:
        return self.company or self.name


class Supplier(TimeStamped):
    code = models.CharField(_("supplier code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    contact = models.CharField(_("contact person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class OutsourcedFactory(TimeStamped):
    """外协厂 (S2): makes products for the company and answers for their quality."""

    code = models.CharField(_("factory code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    responsible_person = models.CharField(_("responsible person"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("outsourced factory")
        verbose_name_plural = _("outsourced factories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name
