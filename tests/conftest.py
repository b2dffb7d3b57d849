"""Test selection: the slow modules (hypothesis properties over many examples, the synth oracle,
the fuzz targets, whole-year determinism) carry the ``slow`` marker. ``make test`` runs every
test; ``make check`` leaves the slow ones out for a loop of a few minutes."""

from __future__ import annotations

import os
from typing import Final

import pytest
from hypothesis import settings

# Speed is measured by benchmarks/, not by tests: an example that runs slowly on a loaded
# machine is not a failure (hypothesis's default deadline is 200 ms per example).
settings.register_profile("gridpolicing", deadline=None)
settings.load_profile("gridpolicing")

# The CLI speaks Chinese by default; the tests written against its English words say so once
# here (tests/test_i18n.py checks the default and the Chinese of every command).
os.environ["GRIDPOLICING_LANG"] = "en"

SLOW: Final = frozenset(
    {
        "tests/io/test_properties.py",
        "tests/io/test_in_memory.py",
        "tests/io/test_workbooks.py",
        "tests/synth/test_oracle.py",
        "tests/fuzz/test_dataset.py",
        "tests/fuzz/test_policy.py",
        "tests/engine/test_determinism.py",
        "tests/engine/test_time_semantics.py",
        "tests/monitor/test_consistency.py",
        "tests/assessment/test_properties.py",
    }
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    root = config.rootpath
    gone = sorted(f for f in SLOW if not (root / f).is_file())
    if gone:  # a renamed module would silently join the quick loop
        raise pytest.UsageError(f"tests/conftest.py names slow modules that do not exist: {gone}")
    for item in items:
        if item.path.relative_to(root).as_posix() in SLOW:
            item.add_marker(pytest.mark.slow)
