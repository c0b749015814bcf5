"""API keys moved from the portal app to accounts: a key issued before the move still exists
and still authenticates afterwards (the table is renamed, not copied)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("portal", "0002_delete_benchping"), ("accounts", "0001_initial")]
AFTER = [("portal", "0003_apitoken_to_accounts"), ("accounts", "0002_apitoken")]


@pytest.fixture
def migrated_back_to_the_end(transactional_db):
    """Leave every app migrated: going back to accounts 0001 also unapplied the migrations
    that depend on a later one (e.g. the reports app's), which the tests after this one need."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.duration(9)  # migrating back and forth renders every migration's state
@pytest.mark.django_db(transaction=True)
def test_a_key_issued_before_the_move_is_kept_and_still_works(client, migrated_back_to_the_end):
    from aftersales.accounts.models import ApiToken, hash_key

    # given a key stored by the portal app
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("accounts", "User").objects.create(username="erp", is_active=True)
    old.get_model("portal", "ApiToken").objects.create(
        user=user, name="erp", key_hash=hash_key("the-old-key"), prefix="the-old-")
    # when the move is applied
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    # then the same row is the accounts app's key, and the API accepts it
    token = ApiToken.objects.get(name="erp")
    assert (token.user.username, token.prefix) == ("erp", "the-old-")
    r = client.get("/api/v1/policy/", HTTP_X_API_KEY="the-old-key")
    assert r.status_code in (200, 403)  # authenticated: not 401
