"""The policy's quality section (defect codes): any input is either a valid list or a
ValidationError naming the path — never another exception; the shipped policies validate."""

from hypothesis import given, settings
from hypothesis import strategies as st

from aftersales.core.errors import ValidationError
from aftersales.quality.section import parse_section

values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                      lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=3), max_leaves=8)
codes = st.fixed_dictionaries({"code": st.text(max_size=45) | values,
                               "label": st.fixed_dictionaries({"zh": st.text(max_size=3),
                                                               "en": st.text(max_size=3)})
                               | values},
                              optional={"responsibility": st.sampled_from(
                                  ["", "company", "customer", "factory", "nobody"]) | values,
                                  "damage_cause": st.sampled_from(["misuse", "rain"]) | values,
                                  "condition": st.dictionaries(
                                      st.sampled_from(["unused", "tags_attached", "colour"]),
                                      st.booleans() | values, max_size=2)})


@settings(max_examples=200, deadline=None)
@given(st.one_of(values, st.fixed_dictionaries(
    {"defect_codes": st.lists(codes, max_size=4)},
    optional={"warehouse_inspects": st.booleans() | values})))
def test_any_section_parses_or_names_the_bad_path(section):
    try:
        parsed = parse_section(section, source="t")
    except ValidationError as exc:
        assert exc.fields and all(k.startswith("quality") for k in exc.fields)
    else:
        for code, d in parsed.items():
            assert code == d.code and d.label["zh"] and d.label["en"]


def test_the_shipped_business_policies_carry_defect_codes(policies):
    from aftersales.policy.services.resolve import policy_resolve
    from aftersales.quality.section import defect_codes_of

    for name in ("online-shop", "member-store", "outsourced-manufacturer",
                 "electronics-rework", "machinery-dealer"):
        _version, doc = policy_resolve(name=name)
        assert len(defect_codes_of(doc)) >= 5, name
