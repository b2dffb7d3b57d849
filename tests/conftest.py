"""Test selection: the slow modules (hypothesis properties over many examples, the synth oracle,
the fuzz targets, whole-year determinism) carry the ``slow`` marker. ``make test`` runs every
test; ``make check`` leaves the slow ones out for a loop of a few minutes."""

from __future__ import annotations

from typing import Final

import pytest

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
