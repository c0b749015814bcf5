import pytest

from aftersales.cases.tests.conftest import *  # noqa: F403
from aftersales.cases.tests.conftest import SHANGHAI  # noqa: F401


@pytest.fixture
def team(make_user):
    return {
        "specialist": make_user("sales_specialist"),
        "vp": make_user("sales_vp", email="vp@example.com"),
        "quality": make_user("quality"),
        "follower": make_user("quality_follower"),
        "warehouse": make_user("warehouse"),
        "purchasing": make_user("purchasing"),
        "finance": make_user("finance"),
        "agent": make_user("customer_service"),
    }
