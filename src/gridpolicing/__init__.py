"""gridpolicing: community-policing schemes as executable, testable YAML policies.

The API is three calls::

    policy = gridpolicing.load_policy("chengdu-xindu-2022")
    data = gridpolicing.load_dataset("deployment/")
    report = gridpolicing.evaluate(policy, data, "2022-03")
    print(report.to_json())
"""

from gridpolicing.engine.evaluate import evaluate
from gridpolicing.errors import DatasetError, GridPolicingError, PolicyError, Problem, UsageError
from gridpolicing.io import load_dataset
from gridpolicing.io.dataset import Dataset, RejectedRecord
from gridpolicing.policy.document import Policy
from gridpolicing.policy.loader import load_policy
from gridpolicing.policy.registry import Registry, RuleKind
from gridpolicing.report.finding import Finding, Status
from gridpolicing.report.report import Report

__all__ = [
    "Dataset",
    "DatasetError",
    "Finding",
    "GridPolicingError",
    "Policy",
    "PolicyError",
    "Problem",
    "Registry",
    "RejectedRecord",
    "Report",
    "RuleKind",
    "Status",
    "UsageError",
    "evaluate",
    "load_dataset",
    "load_policy",
]

__version__ = "0.1.0"
