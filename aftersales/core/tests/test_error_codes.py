"""Error codes a client can rely on: each app's enumeration, the OpenAPI document and
docs/errors.md list the same codes, and product code raises errors only with declared codes."""

import ast
import json
import re
from pathlib import Path

import pytest

from aftersales.core.errors import ErrorCode, error_codes

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "aftersales"
ERROR_CLASSES = {"ApplicationError", "ValidationError", "NotFound", "PermissionDenied",
                 "Conflict"}


def _product_modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "tests" in parts or "migrations" in parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def _literal_codes(tree: ast.AST):
    """(line, text) of every ``code="…"`` given to an error or set on an error class."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None) or ""
            if name in ERROR_CLASSES or name.endswith(("Error", "Missing")):
                for kw in node.keywords:
                    if kw.arg == "code" and isinstance(kw.value, ast.Constant):
                        yield node.lineno, kw.value.value
        if isinstance(node, ast.ClassDef):
            for stmt in node.body:
                target = (stmt.targets[0] if isinstance(stmt, ast.Assign) else
                          getattr(stmt, "target", None))
                value = getattr(stmt, "value", None)
                if (getattr(target, "id", None) == "code" and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)):
                    yield stmt.lineno, value.value


def test_product_code_raises_errors_with_enumerated_codes_only():
    literals = [f"{path.relative_to(ROOT)}:{line}: {code!r}"
                for path, tree in _product_modules() for line, code in _literal_codes(tree)]
    assert literals == [], "use the app's ErrorCode enumeration:\n" + "\n".join(literals)


def test_each_code_is_declared_once_by_one_app():
    seen: dict[str, str] = {}
    for enum in {e for e in error_codes().values()}:
        for member in enum:
            assert member.value not in seen, f"{member.value} in {enum} and {seen[member.value]}"
            seen[member.value] = enum.__name__
            assert re.fullmatch(r"[a-z][a-z0-9_]*", member.value)
    assert issubclass(next(iter(error_codes().values())), ErrorCode)


def test_every_app_that_raises_errors_declares_its_codes():
    apps_with_enums = {enum.__module__.split(".")[1] for enum in error_codes().values()}
    assert {"core", "cases", "workflow", "policy", "calendars"} <= apps_with_enums


def test_the_openapi_document_lists_every_code(client):
    doc = client.get("/api/v1/openapi.json").json()
    declared = doc["components"]["schemas"]["ErrorOut"]["properties"]["code"]["enum"]
    assert sorted(declared) == sorted(error_codes())


def test_docs_errors_md_lists_every_code_under_its_enumeration():
    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    documented: dict[str, str] = {}
    section = ""
    for line in text.splitlines():
        heading = re.match(r"## .*`(\w+ErrorCode)`", line)
        if heading:
            section = heading.group(1)
        row = re.match(r"\| `([a-z_0-9]+)` \|", line)
        if row:
            documented[row.group(1)] = section
    assert documented == {code: enum.__name__ for code, enum in error_codes().items()}


@pytest.mark.django_db
def test_an_api_refusal_answers_a_declared_code(client):
    # given a staff user asking for a case that does not exist
    from aftersales.accounts.tests.factories import UserFactory

    client.force_login(UserFactory(roles=["customer_service"]))
    # when
    r = client.get("/api/v1/cases/RMA-404-NOPE")
    bad = client.post("/api/v1/cases", "{not json", content_type="application/json")
    # then both answers carry codes a client finds in the enumeration
    assert r.status_code == 404 and json.loads(r.content)["code"] == "case_not_found"
    assert bad.status_code in (400, 422)
    assert json.loads(bad.content)["code"] in error_codes()
