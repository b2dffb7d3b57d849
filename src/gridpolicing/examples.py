"""The bundled example deployments: paths to their data, installed or in a checkout.

::

    import gridpolicing
    from gridpolicing import examples

    data = gridpolicing.load_dataset(examples.path("xinjin-2022"))

Each example (``examples/<name>/``) is a scenario of a bundled policy: ``scenario.yaml`` says
which policy, period and expected findings, and where its dataset is (``data:``, a folder of
tables or one YAML file).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

import yaml

from gridpolicing.errors import UsageError
from gridpolicing.policy.resources import bundled_dir

__all__ = ["names", "path"]

_SCENARIO: Final = "scenario.yaml"


def names() -> list[str]:
    """The bundled examples, sorted."""
    root = bundled_dir("examples")
    if not root.is_dir():
        return []
    return sorted(d.name for d in root.iterdir() if (d / _SCENARIO).is_file())


def path(name: str) -> Path:
    """The dataset of bundled example ``name`` (``xinjin-2022``, ...): a folder or a file."""
    if name not in names():
        raise UsageError(f"no bundled example {name!r}; expected one of {', '.join(names())}")
    folder = bundled_dir("examples") / name
    scenario = yaml.safe_load((folder / _SCENARIO).read_text(encoding="utf-8"))
    return folder / str(scenario["data"])
