from aftersales.cases.tests.conftest import agent, clock, make_user, policies, supervisor  # noqa: F401
