"""The forms of the reference data pages. They check types and the model's own rules; the
services (data_services) check the user again, save in one transaction and record the change."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.catalog.models import Category, PartPrice, Product
from aftersales.parties.models import Customer, Dealer, OutsourcedFactory, Supplier


def active_or_current(model, current_pk):
    """The records a form may point at: the active ones, plus the one already chosen (a record
    deactivated later stays on the records that name it, but is no longer offered)."""
    return model.objects.filter(Q(active=True) | Q(pk=current_pk)).order_by("code")


class _CodeKept(forms.ModelForm):
    """The record's code (its key for imports and other systems) is set once and kept."""

    key_field = "code"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.key_field in self.fields:
            self.fields[self.key_field].disabled = True
            self.fields[self.key_field].help_text = _("The code can't be changed.")
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = "—"
            elif isinstance(field, forms.ChoiceField) and field.choices \
                    and field.choices[0][0] == "":
                field.choices = [("", "—"), *field.choices[1:]]


class CustomerForm(_CodeKept):
    class Meta:
        model = Customer
        fields = ["code", "kind", "name", "company", "phone", "email", "province", "city",
                  "address", "key_account", "member_no", "dealer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dealer"].queryset = active_or_current(Dealer, self.instance.dealer_id)


class DealerForm(_CodeKept):
    class Meta:
        model = Dealer
        fields = ["code", "name", "region", "province", "contact", "phone", "address", "active"]


class SupplierForm(_CodeKept):
    class Meta:
        model = Supplier
        fields = ["code", "name", "contact", "phone", "email", "address", "active"]


class FactoryForm(_CodeKept):
    class Meta:
        model = OutsourcedFactory
        fields = ["code", "name", "responsible_person", "phone", "email", "address", "active"]


class ProductForm(_CodeKept):
    key_field = "sku"

    class Meta:
        model = Product
        fields = ["sku", "name", "category", "model", "color", "spec", "unit", "list_price",
                  "points", "is_consumable", "is_custom_made", "is_perishable",
                  "is_key_product", "not_exchangeable", "is_promo_bundle", "supplier",
                  "factory", "active"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("code")
        self.fields["supplier"].queryset = active_or_current(Supplier,
                                                             self.instance.supplier_id)
        self.fields["factory"].queryset = active_or_current(OutsourcedFactory,
                                                            self.instance.factory_id)


class PartPriceForm(forms.ModelForm):
    class Meta:
        model = PartPrice
        fields = ["code", "name", "unit", "price", "category", "valid_from", "valid_to"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date is before the start date."))
        return data
