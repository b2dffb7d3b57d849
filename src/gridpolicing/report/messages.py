"""Plain zh/en sentences for findings, from each rule kind's ``describe``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from gridpolicing.i18n import both
from gridpolicing.policy.values import Text

if TYPE_CHECKING:
    from gridpolicing.policy.document import Policy
    from gridpolicing.policy.models import RuleSpec
    from gridpolicing.report.finding import Finding

__all__ = ["STATUS_WORDS", "fmt", "message_for", "without_prefix"]

STATUS_WORDS = {
    "pass": both("pass"),
    "fail": both("fail"),
    "not_applicable": both("not applicable"),
    "insufficient_data": both("insufficient data"),
}


def message_for(policy: Policy, rule: RuleSpec, finding: Finding) -> Text:
    """The sentence the rule's kind gives for ``finding``."""
    return policy.registry[rule.kind].describe(rule, finding)


def fmt(value: float | None) -> str:
    """A number as people write it: 24, 2.5, 0.92; a dash when missing."""
    if value is None:
        return "-"
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.2f}".rstrip("0").rstrip(".")


def without_prefix(message: str, lang: str) -> str:
    """The sentence without its ``[fail] person p1, 2022-W10:`` head (shown beside it)."""
    sep = ":" if lang == "zh" else ": "
    head, found, rest = message.partition(sep)
    return rest if found and head.startswith("[") else message
