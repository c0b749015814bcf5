"""Categories, products (SKUs) with their after-sales flags, components, the parts price list."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from aftersales.core.models import TimeStamped


class Category(models.Model):
    """A product category; `code` is the shared vocabulary of POLICY-API.md (e.g. water_machine)."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("English name"), max_length=80, blank=True)
    parent = models.ForeignKey("self", verbose_name=_("parent"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    three_guarantees = models.BooleanField(
        _("in the 三包 catalogue"), default=False,
        help_text=_("Products listed by the 三包 regulations (REGULATIONS-CN §1)."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MaterialClass(models.Model):
    """FPC, SMT, LENS, SENSOR, FOG… (S11.7, S11.8): lead times and pre-loss live in the policy."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("material class")
        verbose_name_plural = _("material classes")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Product(TimeStamped):
    sku = models.CharField(_("SKU"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120, db_index=True)
    category = models.ForeignKey(Category, verbose_name=_("category"), on_delete=models.PROTECT,
                                 related_name="products")
    model = models.CharField(_("model"), max_length=60, blank=True)  # 型号
    color = models.CharField(_("colour"), max_length=40, blank=True)  # 颜色
    spec = models.CharField(_("specification"), max_length=120, blank=True)  # 规格
    unit = models.CharField(_("unit"), max_length=10, default="件")
    list_price = models.DecimalField(_("list price"), max_digits=12, decimal_places=2, default=0)
    points = models.PositiveIntegerField(_("points value"), default=0)  # S4.2
    # After-sales flags (POLICY-API tags).
    is_consumable = models.BooleanField(_("consumable"), default=False)  # 耗材 S4.4
    is_custom_made = models.BooleanField(_("custom-made"), default=False)  # 定作 B7
    is_perishable = models.BooleanField(_("perishable"), default=False)  # 鲜活易腐 B7
    is_key_product = models.BooleanField(_("key product"), default=False)  # 重点产品 S8.3
    not_exchangeable = models.BooleanField(_("not exchangeable"), default=False)  # S4.2
    is_promo_bundle = models.BooleanField(_("promotional bundle"), default=False)  # S4.2
    supplier = models.ForeignKey("parties.Supplier", verbose_name=_("supplier"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="products")
    factory = models.ForeignKey("parties.OutsourcedFactory", verbose_name=_("outsourced factory"),
                                null=True, blank=True, on_delete=models.PROTECT,
                                related_name="products")
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    @property
    def tags(self) -> list[str]:
        """The POLICY-API tags this product carries."""
        flags = [
            ("consumable", self.is_consumable),
            ("custom_made", self.is_custom_made),
            ("perishable", self.is_perishable),
            ("key_product", self.is_key_product),
            ("not_exchangeable", self.not_exchangeable),
            ("promo_bundle", self.is_promo_bundle),
        ]
        return [tag for tag, on in flags if on]


class Component(models.Model):
    """A part of a product (bill of materials): which material class, which supplier."""

    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.CASCADE,
                                related_name="components")
    part_no = models.CharField(_("part number"), max_length=60)
    name = models.CharField(_("name"), max_length=120)
    material_class = models.ForeignKey(MaterialClass, verbose_name=_("material class"),
                                       null=True, blank=True, on_delete=models.PROTECT)
    supplier = models.ForeignKey("parties.Supplier", verbose_name=_("supplier"), null=True,
                                 blank=True, on_delete=models.PROTECT)
    quantity = models.DecimalField(_("quantity per unit"), max_digits=10, decimal_places=3,
                                   default=1)

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        constraints = [
            models.UniqueConstraint(fields=["product", "part_no"], name="component_unique_part"),
        ]

    def __str__(self) -> str:
        return f"{self.part_no} {self.name}"


class PartPrice(models.Model):
    """One line of the parts price list (S4.1 零件/材料费用), valid over a date range."""

    code = models.CharField(_("part code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    unit = models.CharField(_("unit"), max_length=10)  # 个, 米, 组
    price = models.DecimalField(_("price per unit"), max_digits=10, decimal_places=2)
    category = models.ForeignKey(Category, verbose_name=_("for category"), null=True, blank=True,
                                 on_delete=models.PROTECT)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        verbose_name = _("part price")
        verbose_name_plural = _("parts price list")
        ordering = ["code", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "valid_from"], name="partprice_unique_start"),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="partprice_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ¥{self.price}/{self.unit}"
