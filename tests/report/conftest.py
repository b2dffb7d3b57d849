"""Reports of bundled examples, evaluated once per module that asks for them."""

from __future__ import annotations

import pytest

from gridpolicing import examples
from gridpolicing.engine.evaluate import evaluate
from gridpolicing.io import load_dataset
from gridpolicing.policy.loader import load_policy
from gridpolicing.report.report import Report


def example_report(example: str, policy: str, period: str) -> Report:
    """The report of a bundled example for ``period``."""
    p = load_policy(policy)
    return evaluate(p, load_dataset(examples.path(example), vocabulary=p.vocabulary), period)


@pytest.fixture(scope="module")
def xinjin() -> Report:
    """新津 2022-03: one failure (xj-vc07), a monthly ranking with ties."""
    return example_report("xinjin-2022", "chengdu-xinjin-2022", "2022-03")


@pytest.fixture(scope="module")
def xinxiang() -> Report:
    """新乡 2017: 13 failures over the year (12 of one community, 1 of an officer)."""
    return example_report("xinxiang-2016", "xinxiang-gaoxin-2016", "2017")
