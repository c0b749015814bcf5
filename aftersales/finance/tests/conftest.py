import pytest

from aftersales.cases.tests.conftest import *  # noqa: F403
from aftersales.finance.tests import stubs


@pytest.fixture(scope="session")
def wechat_keys():
    return stubs.wechat_keys()


@pytest.fixture(scope="session")
def alipay_keys():
    return stubs.alipay_keys()


@pytest.fixture
def wechat(wechat_keys, settings):
    """A local WeChat Pay APIv3 stub, with the gateway's settings pointing at it."""
    state = stubs.Provider()
    with stubs.wechat_server(wechat_keys, state) as server:
        settings.FINANCE_WECHATPAY = stubs.wechat_settings(wechat_keys, server.url)
        state.keys = wechat_keys
        yield state


@pytest.fixture
def alipay(alipay_keys, settings):
    """A local Alipay open-API stub, with the gateway's settings pointing at it."""
    state = stubs.Provider(status="10000")
    with stubs.alipay_server(alipay_keys, state) as server:
        settings.FINANCE_ALIPAY = stubs.alipay_settings(alipay_keys, server.url)
        state.keys = alipay_keys
        yield state


@pytest.fixture
def finance(make_user):
    return make_user("finance", email="fin@example.com")


@pytest.fixture
def warehouse(make_user):
    return make_user("warehouse")
