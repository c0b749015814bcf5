"""The one zh/en picker: a state label, a transition label or a policy reason reads the same
in every part of the product."""

from django.utils import translation

from aftersales.core.labels import pick_label

LABEL = {"zh": "待核实", "en": "Awaiting verification"}


def test_chinese_pages_get_the_chinese_text_and_english_pages_the_english():
    with translation.override("zh-hans"):
        assert pick_label(LABEL) == "待核实"
    with translation.override("en"):
        assert pick_label(LABEL) == "Awaiting verification"


def test_a_missing_language_falls_back_to_english_then_chinese_then_the_code():
    with translation.override("zh-hans"):
        assert pick_label({"en": "Verified"}) == "Verified"
    with translation.override("en"):
        assert pick_label({"zh": "已核实"}) == "已核实"
        assert pick_label({}, "verified") == "verified"
        assert pick_label(None, "verified") == "verified"
