"""REST: /api/v1/quality."""

from ninja import Router

router = Router(tags=["quality"])
