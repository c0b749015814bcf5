"""Orders, lines, bundles, promotions, payments, shipments, lots, serials, invoices, warranty cards.

An order is the proof of purchase every after-sales rule starts from (S1.2, S4.4, S6.3).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.choices import BusinessLine, PaymentMethod, SalesChannel
from aftersales.core.models import TimeStamped


class OrderSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported")
    DEMO = "demo", _("Demo data")
    API = "api", _("API")


class Order(TimeStamped):
    number = models.CharField(_("order number"), max_length=60, unique=True)
    business_line = models.CharField(_("business line"), max_length=20,
                                     choices=BusinessLine.choices, db_index=True)
    channel = models.CharField(_("sales channel"), max_length=20, choices=SalesChannel.choices,
                               default=SalesChannel.ONLINE)
    customer = models.ForeignKey("parties.Customer", verbose_name=_("customer"),
                                 on_delete=models.PROTECT, related_name="orders")
    dealer = models.ForeignKey("parties.Dealer", verbose_name=_("dealer"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="orders")
    placed_at = models.DateTimeField(_("placed at"), db_index=True)  # 下单/订单创建 S4.2
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    shipping_fee = models.DecimalField(_("shipping fee"), max_digits=12, decimal_places=2,
                                       default=0)
    total = models.DecimalField(_("order total"), max_digits=14, decimal_places=2, default=0)
    receiver_name = models.CharField(_("receiver"), max_length=60, blank=True)
    receiver_phone = models.CharField(_("receiver phone"), max_length=30, blank=True,
                                      db_index=True)
    receiver_address = models.CharField(_("delivery address"), max_length=255, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=OrderSource.choices,
                              default=OrderSource.MANUAL)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True,
                                    help_text=_("Fingerprint of the imported content."))

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at"]

    def __str__(self) -> str:
        return self.number


class Bundle(models.Model):
    """A 套餐 inside an order (S4.2: swaps of equal points and price inside a bundle)."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE,
                              related_name="bundles")
    code = models.CharField(_("bundle code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    promotional = models.BooleanField(_("limited-time promotion"), default=False)  # S4.2

    class Meta:
        verbose_name = _("bundle")
        verbose_name_plural = _("bundles")
        constraints = [
            models.UniqueConstraint(fields=["order", "code"], name="bundle_unique_per_order"),
        ]

    def __str__(self) -> str:
        return self.name


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE,
                              related_name="lines")
    line_no = models.PositiveIntegerField(_("line"))
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"),
                                on_delete=models.PROTECT, related_name="order_lines")
    sku = models.CharField(_("SKU"), max_length=60)  # as sold
    name = models.CharField(_("name"), max_length=120)  # as sold
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    points = models.PositiveIntegerField(_("points per unit"), default=0)
    bundle = models.ForeignKey(Bundle, verbose_name=_("bundle"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="lines")
    gift = models.BooleanField(_("gift"), default=False)  # 赠品 B7
    declared_gift_price = models.DecimalField(_("declared gift price"), max_digits=12,
                                              decimal_places=2, null=True, blank=True)
    no_return_confirmed = models.BooleanField(
        _("non-returnable confirmed at checkout"), default=False)  # B7-7

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "line_no"]
        constraints = [
            models.UniqueConstraint(fields=["order", "line_no"], name="orderline_unique_no"),
            models.CheckConstraint(condition=models.Q(quantity__gt=0),
                                   name="orderline_quantity_positive"),
            models.CheckConstraint(condition=models.Q(unit_price__gte=0),
                                   name="orderline_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}#{self.line_no} {self.name} ×{self.quantity}"

    @property
    def amount(self):
        return self.unit_price * self.quantity


class PromotionKind(models.TextChoices):
    THRESHOLD_DISCOUNT = "threshold_discount", _("Threshold discount")  # 满减
    FREE_SHIPPING = "free_shipping", _("Free shipping")  # 满额包邮
    COUPON = "coupon", _("Coupon")  # 优惠券
    GIFT = "gift", _("Gift with purchase")  # 赠品


class Promotion(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE,
                              related_name="promotions")
    kind = models.CharField(_("kind"), max_length=30, choices=PromotionKind.choices)
    threshold = models.DecimalField(_("threshold"), max_digits=12, decimal_places=2, default=0)
    discount = models.DecimalField(_("discount"), max_digits=12, decimal_places=2, default=0)
    standard_fee = models.DecimalField(_("standard shipping fee"), max_digits=12,
                                       decimal_places=2, default=0)
    line_numbers = models.JSONField(_("applies to lines"), default=list, blank=True)

    class Meta:
        verbose_name = _("promotion")
        verbose_name_plural = _("promotions")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.threshold}/{self.discount}"


class Payment(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE,
                              related_name="payments")
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, default=0)
    points = models.PositiveIntegerField(_("points"), null=True, blank=True)
    coupon_code = models.CharField(_("coupon code"), max_length=60, blank=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    reference = models.CharField(_("transaction reference"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gte=0),
                                   name="payment_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} ¥{self.amount}"


class Shipment(models.Model):
    """A delivery: signed_at starts the 7-day clock (B7), installed_at the 三包 clock (SB)."""

    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE,
                              related_name="shipments")
    carrier = models.CharField(_("carrier"), max_length=40, blank=True)
    tracking_no = models.CharField(_("tracking number"), max_length=60, blank=True,
                                   db_index=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    installed_at = models.DateTimeField(_("installed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["order", "shipped_at"]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_no}".strip()


class Lot(models.Model):
    """A production lot (批次): Pareto by batch and supplier (X5), S8.2 production date."""

    product = models.ForeignKey("catalog.Product", verbose_name=_("product"),
                                on_delete=models.PROTECT, related_name="lots")
    lot_no = models.CharField(_("lot number"), max_length=60)
    production_date = models.DateField(_("production date"))
    quantity = models.PositiveIntegerField(_("quantity"), default=0)
    factory = models.ForeignKey("parties.OutsourcedFactory", verbose_name=_("made by"),
                                null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.UniqueConstraint(fields=["product", "lot_no"], name="lot_unique_per_product"),
        ]

    def __str__(self) -> str:
        return self.lot_no


class SerialNumber(models.Model):
    serial = models.CharField(_("serial number"), max_length=80, unique=True)
    product = models.ForeignKey("catalog.Product", verbose_name=_("product"),
                                on_delete=models.PROTECT, related_name="serials")
    lot = models.ForeignKey(Lot, verbose_name=_("lot"), null=True, blank=True,
                            on_delete=models.PROTECT, related_name="serials")
    order_line = models.ForeignKey(OrderLine, verbose_name=_("sold on"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="serials")
    production_date = models.DateField(_("production date"), null=True, blank=True)

    class Meta:
        verbose_name = _("serial number")
        verbose_name_plural = _("serial numbers")

    def __str__(self) -> str:
        return self.serial


class Invoice(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE,
                              related_name="invoices")
    number = models.CharField(_("invoice number"), max_length=60, unique=True)
    issued_on = models.DateField(_("issued on"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    title = models.CharField(_("invoice title"), max_length=120, blank=True)  # 发票抬头

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.number


class WarrantyCard(models.Model):
    """三包回执卡 (S10.4): without it returned within 20 days of sale, no company 三包."""

    number = models.CharField(_("card number"), max_length=60, unique=True)
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE,
                              related_name="warranty_cards")
    serial = models.ForeignKey(SerialNumber, verbose_name=_("serial number"), null=True,
                               blank=True, on_delete=models.PROTECT,
                               related_name="warranty_cards")
    dealer = models.ForeignKey("parties.Dealer", verbose_name=_("dealer"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="warranty_cards")
    sold_on = models.DateField(_("sold on"))
    returned_on = models.DateField(_("card returned on"), null=True, blank=True)

    class Meta:
        verbose_name = _("warranty card")
        verbose_name_plural = _("warranty cards")

    def __str__(self) -> str:
        return self.number
