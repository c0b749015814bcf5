"""Error codes of the logistics app (docs/errors.md): what a client may act on."""

from aftersales.core.errors import ErrorCode


class LogisticsErrorCode(ErrorCode):
    RMA_NOT_FOUND = "rma_not_found"  # no such RMA, or not yours (404)
    NO_GOODS_BACK = "no_goods_back"  # the agreed option needs no goods back, or none agreed (409)
    RMA_EXISTS = "rma_exists"  # the case has an open RMA already (409)
    RMA_NOT_OPEN = "rma_not_open"  # the RMA is closed or everything is in (409)
    OVER_AUTHORIZED = "over_authorized"  # more than authorized (or than left to come) (422)
    ALREADY_RECEIVED = "already_received"  # everything authorized is in already (409)
    NOT_YOUR_FACTORY = "not_your_factory"  # the RMA is addressed to another factory (403)
    NO_RETURN_ADDRESS = "no_return_address"  # the policy names no address for the route (422)
    DISCREPANCY_SETTLED = "discrepancy_settled"  # the discrepancy is settled already (409)
    ALREADY_SIGNED = "already_signed"  # that signature is on the form already (409)
    FORM_EXISTS = "form_exists"  # the case has its return processing form (409)
    OVER_RECEIVED = "over_received"  # disposing of more than was received (422)
    NOTHING_RECEIVED = "nothing_received"  # a receipt records at least one unit or a line (422)
