"""Goods coming back and going out (S2.4, S2.6, S2.7, S3.3, S5.3-S5.5, S8.1; issue 11 items 1,
2, 4, 6).

- ``ReturnAuthorization`` (RMA, 退货授权): the number, the lines and quantities authorized, the
  return address chosen by the policy's routing (S2.6), who pays the freight, the ship-back
  deadline, the customer's courier and tracking number, an advance replacement's due date;
- ``Receipt`` (收货) with its lines (quantity received and condition per RMA line, photos);
- ``Discrepancy``: goods, form or quantity that don't match at receipt (S2.7, S3.3), settled by
  the sales specialist with the customer;
- ``ReturnForm`` (《退货处理单》, S2.4) with its lines and hand-over signatures (S2.6);
- ``StockMovement``: the returned-goods ledger (receipt, disposition per unit, replacement out);
- ``Shipment``: a replacement sent to the customer (S4.3 exchange, S8.1 advance replacement).

The ERP stays the master of stock: the ledger records what moved, for the export.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Destination(models.TextChoices):
    """Where the goods go back to (S2.6); the addresses are data in the policy."""

    FACTORY = "factory", _("Outsourced factory")  # 整批退回责任外协厂
    PLANT = "plant", _("Own plant")  # 零星退回本厂 (惠州生产事业部)
    RETURNS_WAREHOUSE = "returns_warehouse", _("Returns warehouse")  # 消费者退货仓


class RmaStatus(models.TextChoices):
    ISSUED = "issued", _("Waiting for the goods")
    SHIPPED = "shipped", _("Shipped back")
    PARTLY_RECEIVED = "partly_received", _("Partly received")
    RECEIVED = "received", _("Received")
    CLOSED = "closed", _("Closed, not shipped")


class PaidBy(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    COMPANY = "company", _("Company")


class ReturnAuthorization(models.Model):
    """退货授权 (RMA): one per case and return trip."""

    number = models.CharField(_("RMA number"), max_length=30, unique=True)  # RMA-2026-000001
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="rmas")
    trip = models.PositiveSmallIntegerField(_("return trip"), default=1)
    status = models.CharField(_("status"), max_length=20, choices=RmaStatus.choices,
                              default=RmaStatus.ISSUED)
    # --- where to (S2.6), a copy of the address as it was told to the customer
    destination = models.CharField(_("destination"), max_length=20, choices=Destination.choices)
    factory = models.ForeignKey("parties.OutsourcedFactory", verbose_name=_("factory"),
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="rmas")
    address_name = models.CharField(pgettext_lazy("logistics", "receiver"), max_length=120)
    address = models.CharField(_("return address"), max_length=255)
    address_contact = models.CharField(_("contact person"), max_length=60, blank=True)
    address_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    instructions = models.TextField(_("return instructions"), blank=True)
    route_reason = models.CharField(_("routing"), max_length=200, blank=True)
    # --- terms
    shipping_paid_by = models.CharField(_("freight paid by"), max_length=10,
                                        choices=PaidBy.choices, default=PaidBy.CUSTOMER)
    ship_back_by = models.DateTimeField(_("ship back by"), null=True, blank=True)
    advance_replacement = models.BooleanField(_("advance replacement"), default=False)  # S8.1
    defective_due_by = models.DateTimeField(_("defective unit due back by"), null=True,
                                            blank=True)
    # --- the customer's parcel (S5.4)
    courier = models.CharField(_("courier"), max_length=40, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=60, blank=True,
                                       db_index=True)
    freight_cost = models.DecimalField(_("freight cost"), max_digits=12, decimal_places=2,
                                       null=True, blank=True)  # when the company pays it
    shipped_at = models.DateTimeField(pgettext_lazy("logistics", "shipped at"), null=True,
                                      blank=True)
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    shipped_by_label = models.CharField(_("entered by (label)"), max_length=80, blank=True)
    # --- end
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    closed_at = models.DateTimeField(pgettext_lazy("logistics", "closed at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"),
                                  null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(_("issued at"))

    class Meta:
        verbose_name = _("return authorization")
        verbose_name_plural = _("return authorizations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "trip"], name="rma_one_per_case_trip"),
            models.CheckConstraint(condition=Q(freight_cost__isnull=True)
                                   | Q(freight_cost__gte=0), name="rma_freight_not_negative"),
        ]
        indexes = [
            models.Index(fields=["status", "ship_back_by"], name="rma_status_due"),
            models.Index(fields=["advance_replacement", "defective_due_by"],
                         name="rma_advance_due"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in (RmaStatus.ISSUED, RmaStatus.SHIPPED, RmaStatus.PARTLY_RECEIVED)


class RmaLine(models.Model):
    rma = models.ForeignKey(ReturnAuthorization, verbose_name=_("RMA"),
                            on_delete=models.CASCADE, related_name="lines")
    case_line = models.ForeignKey("cases.CaseLine", verbose_name=_("case line"),
                                  on_delete=models.PROTECT, related_name="rma_lines")
    quantity = models.PositiveIntegerField(_("quantity authorized"))

    class Meta:
        verbose_name = _("RMA line")
        verbose_name_plural = _("RMA lines")
        ordering = ["rma", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="rmaline_quantity_positive"),
            models.UniqueConstraint(fields=["rma", "case_line"], name="rmaline_once_per_line"),
        ]

    def __str__(self) -> str:
        return f"{self.rma_id} {self.case_line_id} ×{self.quantity}"


class Condition(models.TextChoices):
    INTACT = "intact", _("Intact")  # 完好
    DAMAGED = "damaged", _("Damaged")  # 破损
    MISSING_PARTS = "missing_parts", _("Missing parts")  # 缺件
    WRONG_ITEM = "wrong_item", pgettext_lazy("logistics", "Wrong item")  # 货不对单


class Receipt(models.Model):
    """收货: what arrived for an RMA, per line (S3.3, S5.5). The refund clock counts from
    ``received_at`` (B7-13, S9.5)."""

    number = models.CharField(_("receipt number"), max_length=30, unique=True)  # RCV-2026-…
    rma = models.ForeignKey(ReturnAuthorization, verbose_name=_("RMA"),
                            on_delete=models.PROTECT, related_name="receipts")
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="receipts")
    location = models.CharField(_("received at (place)"), max_length=20,
                                choices=Destination.choices)
    received_at = models.DateTimeField(_("received at"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("received by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    received_by_label = models.CharField(_("received by (label)"), max_length=80, blank=True)
    note = models.TextField(_("note"), blank=True)
    complete = models.BooleanField(_("everything authorized is in"), default=False)

    class Meta:
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.number


class ReceiptLine(models.Model):
    receipt = models.ForeignKey(Receipt, verbose_name=_("receipt"), on_delete=models.CASCADE,
                                related_name="lines")
    rma_line = models.ForeignKey(RmaLine, verbose_name=_("RMA line"), on_delete=models.PROTECT,
                                 related_name="receipt_lines")
    quantity = models.PositiveIntegerField(_("quantity received"))
    condition = models.CharField(_("condition"), max_length=20, choices=Condition.choices,
                                 default=Condition.INTACT)
    note = models.CharField(_("note"), max_length=200, blank=True)
    photos = models.ManyToManyField("cases.Attachment", verbose_name=_("photos"), blank=True,
                                    related_name="receipt_lines")

    class Meta:
        verbose_name = _("receipt line")
        verbose_name_plural = _("receipt lines")
        ordering = ["receipt", "id"]

    def __str__(self) -> str:
        return f"{self.receipt_id} {self.rma_line_id} ×{self.quantity}"


class DiscrepancyKind(models.TextChoices):
    QUANTITY = "quantity", _("Quantity does not match")  # 数量不符
    CONDITION = "condition", _("Condition not as expected")  # 破损/缺件
    GOODS = "goods", _("Goods do not match the form")  # 货单不符


class DiscrepancyOutcome(models.TextChoices):
    ACCEPT = "accept", _("Accept as received")
    SEND_REST = "send_rest", _("Customer sends the rest")
    REJECT = "reject", _("Reject the return")


class Discrepancy(models.Model):
    """A mismatch of goods, form or quantity at receipt (S2.7, S3.3): the sales specialist
    settles it with the customer; in principle the factory does not talk to the specialist."""

    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="discrepancies")
    rma = models.ForeignKey(ReturnAuthorization, verbose_name=_("RMA"),
                            on_delete=models.PROTECT, related_name="discrepancies")
    receipt = models.ForeignKey(Receipt, verbose_name=_("receipt"), on_delete=models.PROTECT,
                                related_name="discrepancies")
    kind = models.CharField(_("kind"), max_length=20, choices=DiscrepancyKind.choices)
    description = models.TextField(_("what does not match"))
    opened_at = models.DateTimeField(_("opened at"))
    outcome = models.CharField(_("outcome"), max_length=20, choices=DiscrepancyOutcome.choices,
                               blank=True)
    outcome_note = models.TextField(_("agreed with the customer"), blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("settled by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["settled_at", "opened_at"], name="discrepancy_open")]

    def __str__(self) -> str:
        return f"{self.rma_id} {self.kind}"

    @property
    def is_open(self) -> bool:
        return self.settled_at is None


class ReturnForm(models.Model):
    """《退货处理单》 (S2.4): what goes back, why, whether it returns to the customer and whether
    it is reworked into stock; signed at hand-over (S2.6) and archived as a PDF."""

    number = models.CharField(_("form number"), max_length=30, unique=True)  # THD-2026-…
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="return_forms")
    rma = models.ForeignKey(ReturnAuthorization, verbose_name=_("RMA"), null=True, blank=True,
                            on_delete=models.PROTECT, related_name="return_forms")
    customer_name = models.CharField(_("customer"), max_length=120)
    order_number = models.CharField(_("order number"), max_length=60, blank=True)
    reason = models.TextField(_("reason for the return"))
    batch = models.CharField(_("batch / lot"), max_length=60, blank=True)
    factory = models.ForeignKey("parties.OutsourcedFactory", verbose_name=_("responsible factory"),
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="return_forms")
    return_to_customer = models.BooleanField(_("goods go back to the customer"), default=False)
    rework_into_stock = models.BooleanField(_("rework into stock (返修入库)"), default=False)
    rework_date = models.DateField(_("rework date"), null=True, blank=True)  # S2.1 跟单注明
    stock_date = models.DateField(_("warehousing date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("filled in by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(_("filled in at"))
    archived = models.ForeignKey("cases.Attachment", verbose_name=_("signed form (PDF)"),
                                 null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")

    class Meta:
        verbose_name = _("return processing form")
        verbose_name_plural = _("return processing forms")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.number


class ReturnFormLine(models.Model):
    form = models.ForeignKey(ReturnForm, verbose_name=_("form"), on_delete=models.CASCADE,
                             related_name="lines")
    case_line = models.ForeignKey("cases.CaseLine", verbose_name=_("case line"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(_("product name"), max_length=120)
    model = models.CharField(_("model"), max_length=60, blank=True)
    color = models.CharField(_("colour"), max_length=40, blank=True)
    spec = models.CharField(_("specification"), max_length=120, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit = models.CharField(_("unit"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("form line")
        verbose_name_plural = _("form lines")
        ordering = ["form", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="formline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_name} ×{self.quantity}"


class SignatureRole(models.TextChoices):
    # 品质部售后跟单, as the printed return form names the role
    QUALITY_FOLLOWER = ("quality_follower",
                        pgettext_lazy("logistics", "Quality after-sales follower"))
    FACTORY = "factory", _("Factory's responsible person")  # 外协厂责任单位负责人


class ReturnFormSignature(models.Model):
    """A hand-over signature on the form (S2.6): the user, their name and the time."""

    form = models.ForeignKey(ReturnForm, verbose_name=_("form"), on_delete=models.CASCADE,
                             related_name="signatures")
    role = models.CharField(_("signed as"), max_length=20, choices=SignatureRole.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True,
                             on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(pgettext_lazy("logistics", "name"), max_length=80)
    signed_at = models.DateTimeField(pgettext_lazy("logistics", "signed at"))

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["form", "signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form", "role"], name="formsignature_once_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.name}"


class Disposition(models.TextChoices):
    RESTOCK = "restock", _("Restock")  # 入库（可再销售）
    REWORK_STOCK = "rework_stock", _("Rework into stock")  # 返修入库
    REPAIR_RETURN = "repair_return", _("Repair and return to the customer")  # 修复后寄回
    SCRAP = "scrap", _("Scrap")  # 报废
    RETURN_SUPPLIER = "return_supplier", _("Return to the supplier")  # 退供应商


class MovementKind(models.TextChoices):
    RECEIPT = "receipt", _("Received from the customer")
    DISPOSITION = "disposition", _("Disposition")
    REPLACEMENT = "replacement", _("Replacement to the customer")


class StockMovement(models.Model):
    """One line of the returned-goods ledger (issue 11 item 4): written by the services only,
    never changed."""

    at = models.DateTimeField(_("date"))
    kind = models.CharField(_("movement"), max_length=20, choices=MovementKind.choices)
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="stock_movements")
    rma = models.ForeignKey(ReturnAuthorization, verbose_name=_("RMA"), null=True, blank=True,
                            on_delete=models.PROTECT, related_name="movements")
    receipt_line = models.ForeignKey(ReceiptLine, verbose_name=_("receipt line"), null=True,
                                     blank=True, on_delete=models.PROTECT,
                                     related_name="movements")
    shipment = models.ForeignKey("logistics.Shipment", verbose_name=_("shipment"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="movements")
    product = models.ForeignKey("catalog.Product",
                                verbose_name=pgettext_lazy("logistics", "product"),
                                on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    from_location = models.CharField(_("from"), max_length=60)
    to_location = models.CharField(_("to"), max_length=60)
    disposition = models.CharField(_("disposition"), max_length=20, choices=Disposition.choices,
                                   blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL,
                              verbose_name=pgettext_lazy("logistics", "by"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(_("by (label)"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["at"], name="stockmovement_at")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="movement_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.kind} {self.product_id} ×{self.quantity}"


class Shipment(models.Model):
    """A replacement sent to the customer by the warehouse (S4.3 exchange, S8.1 换货品)."""

    number = models.CharField(_("shipment number"), max_length=30, unique=True)  # SHP-2026-…
    case = models.ForeignKey("cases.Case", verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="replacement_shipments")
    rma = models.ForeignKey(ReturnAuthorization, verbose_name=_("RMA"), null=True, blank=True,
                            on_delete=models.PROTECT, related_name="replacements")
    courier = models.CharField(_("courier"), max_length=40)
    tracking_number = models.CharField(_("tracking number"), max_length=60, db_index=True)
    freight_cost = models.DecimalField(_("freight cost"), max_digits=12, decimal_places=2,
                                       default=0)
    address = models.CharField(_("delivery address"), max_length=255, blank=True)
    shipped_at = models.DateTimeField(pgettext_lazy("logistics", "shipped at"))
    shipped_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("shipped by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("replacement shipment")
        verbose_name_plural = _("replacement shipments")
        ordering = ["-shipped_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(freight_cost__gte=0),
                                   name="shipment_freight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number


class ShipmentLine(models.Model):
    shipment = models.ForeignKey(Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE,
                                 related_name="lines")
    product = models.ForeignKey("catalog.Product",
                                verbose_name=pgettext_lazy("logistics", "product"),
                                on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="shipline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} ×{self.quantity}"
