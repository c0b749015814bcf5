"""The one picker for texts stored in both languages ({"zh": …, "en": …}): workflow state and
transition labels, policy reasons, decision messages."""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import get_language


def pick_label(labels: Mapping[str, str] | None, fallback: str = "") -> str:
    """The text in the active language (Chinese for any zh-*), else English, else Chinese, else
    ``fallback``."""
    if not labels:
        return fallback
    key = "zh" if (get_language() or "en").lower().startswith("zh") else "en"
    return labels.get(key) or labels.get("en") or labels.get("zh") or fallback
