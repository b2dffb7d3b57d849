"""The hypothesis settings every fuzz target uses, sized from the environment."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

__all__ = ["EXAMPLES", "FUZZ"]

EXAMPLES = int(os.environ.get("GRIDPOLICING_FUZZ_EXAMPLES", "30"))

# No example database: a fuzz run must not depend on (or write) state left by earlier runs.
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)
