"""The option the customer reads says who pays the shipping in a whole sentence, in either
language (issue 10 item 5: no "Shipping is paid by we.")."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation


@pytest.mark.parametrize(("payer", "en", "zh"), [
    ("company", "We pay the shipping.", "运费由我们承担。"),
    ("customer", "You pay the shipping.", "运费由您承担。"),
])
def test_who_pays_the_shipping_reads_as_a_sentence(payer, en, zh):
    option = {"shipping_paid_by": payer, "refund": None, "customer_pays": "0.00"}
    with translation.override("en"):
        assert en in render_to_string("portal/_option.html", {"o": option})
    with translation.override("zh-hans"):
        assert zh in render_to_string("portal/_option.html", {"o": option})
