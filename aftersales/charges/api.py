"""REST: /api/v1/charges."""

from ninja import Router

router = Router(tags=["charges"])
