"""Structural checks of a workflow graph, and the validator of a policy's workflow section
(parse, then check each graph)."""

from __future__ import annotations

from collections import deque
from typing import Any

from django.utils.translation import gettext

from aftersales.core.errors import ValidationError
from aftersales.workflow.definitions import Workflow, parse_section
from aftersales.workflow.errors import WorkflowErrorCode
from aftersales.workflow.vocabulary import Category


def reachable_states(wf: Workflow) -> set[str]:
    seen = {wf.initial}
    todo = deque([wf.initial])
    while todo:
        state = todo.popleft()
        for t in wf.transitions_from(state):
            if t.target not in seen:
                seen.add(t.target)
                todo.append(t.target)
    return seen


def check_graph(wf: Workflow, *, source: str) -> None:
    """Every state is reachable from the initial one; every state that is not closed has an
    exit; some closed state is reachable."""
    path = f"workflow.workflows.{wf.key}"

    def fail(sub: str, problem: str) -> ValidationError:
        p = f"{path}.{sub}"
        return ValidationError(
            gettext("%(source)s: %(path)s: %(problem)s")
            % {"source": source, "path": p, "problem": problem},
            code=WorkflowErrorCode.INVALID_WORKFLOW,
            fields={p: problem}, extra={"source": source, "path": p},
        )

    reachable = reachable_states(wf)
    for code, state in wf.states.items():
        if code not in reachable:
            raise fail(f"states.{code}",
                       gettext("can't be reached from the initial state %(initial)s")
                       % {"initial": wf.initial})
        if state.category != Category.CLOSED and not wf.transitions_from(code):
            raise fail(f"states.{code}", gettext("a state that is not closed needs a way out"))
    if not any(wf.states[c].category == Category.CLOSED for c in reachable):
        raise fail("states", gettext("no closed state can be reached"))


def validate_section(section: Any, *, source: str) -> None:
    """Section validator for aftersales.policy.documents (raises ValidationError)."""
    for wf in parse_section(section, source=source).values():
        check_graph(wf, source=source)
