"""Policy language: models, YAML loader with positions, rule-kind registry, schema export."""

from gridpolicing.policy.document import Policy
from gridpolicing.policy.loader import load_policy
from gridpolicing.policy.registry import ENTRY_POINT_GROUP, PluginError, Registry, RuleKind

__all__ = ["ENTRY_POINT_GROUP", "PluginError", "Policy", "Registry", "RuleKind", "load_policy"]
