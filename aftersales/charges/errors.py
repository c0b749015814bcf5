"""Error codes of the charges app (docs/errors.md)."""

from aftersales.core.errors import ErrorCode


class ChargesErrorCode(ErrorCode):
    QUOTE_NOT_FOUND = "quote_not_found"  # no such quote, or not yours (404)
    QUOTE_ANSWERED = "quote_answered"  # the customer already accepted or refused it (409)
    QUOTE_EXPIRED = "quote_expired"  # past its validity: a new quote is needed (409)
    QUOTE_WITHDRAWN = "quote_withdrawn"  # withdrawn by staff or replaced by a newer one (409)
    PART_NOT_PRICED = "part_not_priced"  # a part that is not on the price list today (422)
    NOT_AN_EXCHANGE = "not_an_exchange"  # the case is not an exchange (409)
    DIFFERENCE_COLLECTED = "difference_collected"  # the difference has its receipt (409)
    AMOUNT_MISMATCH = "amount_mismatch"  # the sum is not what is due (422)
    CHARGE_NOT_FOUND = "charge_not_found"  # no such charge, or not yours (404)
    CHARGE_SETTLED = "charge_settled"  # the charge is collected or waived already (409)
    NO_PARTY = "no_party"  # the case names no factory or supplier to charge (422)
    COMPENSATION_NOT_FOUND = "compensation_not_found"  # no such compensation (404)
    COMPENSATION_NOT_DUE = "compensation_not_due"  # not late as the policy says (409)
    COMPENSATION_STATE = "compensation_state"  # not in the state the action needs (409)
