"""REST: /api/v1/finance."""

from ninja import Router

router = Router(tags=["finance"])
