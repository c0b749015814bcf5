from aftersales.cases.tests.conftest import (  # noqa: F401
    agent,
    clock,
    make_user,
    policies,
    supervisor,
)
