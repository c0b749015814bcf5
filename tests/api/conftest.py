from aftersales.cases.tests.conftest import (  # noqa: F401 - the case tests' fixtures
    clock,
    make_user,
    policies,
)
