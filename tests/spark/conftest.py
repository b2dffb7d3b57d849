"""A local Spark (``local[2]``) for the Spark engine's tests, or a skip without PySpark.

``make test-spark`` sets GRIDPOLICING_REQUIRE_SPARK=1 so a missing PySpark or Java fails the run
instead of skipping it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if os.environ.get("GRIDPOLICING_REQUIRE_SPARK"):
            raise
        pytest.skip("PySpark is not installed (pip install 'gridpolicing[spark]')")
    from gridpolicing.spark import session

    s = session("local[2]", app="gridpolicing-tests")
    yield s
    s.stop()
