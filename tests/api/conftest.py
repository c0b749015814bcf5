from aftersales.cases.tests.conftest import (  # noqa: F401 - the case tests' fixtures
    _fast_passwords,
    clock,
    make_user,
    policies,
)
