import codecs

from django import forms
from django.utils.translation import gettext_lazy as _

from aftersales.imports.models import ImportKind


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), choices=ImportKind.choices)
    file = forms.FileField(label=_("File (.csv or .xlsx)"))
    encoding = forms.CharField(
        label=_("Encoding"), required=False, max_length=40,
        help_text=_("Leave empty to detect UTF-8 or GBK; e.g. gbk, gb18030, utf-8."))
    dry_run = forms.BooleanField(label=_("Only check, write nothing"), required=False)
    create_categories = forms.BooleanField(
        label=_("Create unknown categories (products)"), required=False)

    def clean_encoding(self) -> str:
        value = self.cleaned_data["encoding"].strip()
        if value:
            try:
                codecs.lookup(value)
            except LookupError:
                raise forms.ValidationError(_("Unknown encoding %(name)r."),
                                            params={"name": value}) from None
        return value
