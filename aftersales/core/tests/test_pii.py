"""Masking personal data: what stays visible and what never does."""

from hypothesis import given
from hypothesis import strategies as st

from aftersales.core.pii import mask_address, mask_email, mask_phone


def test_a_mobile_number_keeps_its_first_three_and_last_four_digits():
    assert mask_phone("13812341234") == "138****1234"
    assert mask_phone("010-12345678") == "010****5678"
    assert mask_phone("") == "" and mask_phone(None) == ""


def test_an_address_keeps_province_and_city_only():
    assert mask_address("广东省广州市天河区体育西路1号") == "广东省广州市****"
    assert mask_address("北京") == "****"


def test_an_email_keeps_its_first_letter_and_domain():
    assert mask_email("zhang.san@example.com") == "z****@example.com"


@given(st.text(alphabet="0123456789", min_size=8, max_size=20))
def test_the_middle_of_a_number_is_never_shown(number):
    masked = mask_phone(number)
    assert masked.startswith(number[:3]) and masked.endswith(number[-4:])
    assert len(masked) == 3 + 4 + 4  # the length of the number is not given away either
    assert number not in masked


@given(st.text(min_size=1, max_size=7).filter(lambda t: t.strip() == t and t))
def test_a_short_value_shows_at_most_its_last_two_characters(value):
    masked = mask_phone(value)
    assert masked.startswith("****") and len(masked) <= 6
