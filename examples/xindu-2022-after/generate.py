"""Write the synthetic Xindu (新都) dataset after the 2022 reform as CSV tables under ``data/``.

The deployment of ../xindu-2022-before (180 villages, 126 community officers one to a village,
54 villages without one) plus 54 officers dispatched from the bureau's departments on
2022-03-01, one to each uncovered village (一对一包村), holding the village post their party
membership calls for, with their village days, check-ins, council meetings and evaluations of
April 2022 logged: 180 officers for 180 villages, none failing. The generator is shared with
the "before" scenario so both describe the same district.

Deterministic, standard library only: ``python generate.py`` rewrites ``data/`` identically.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

HERE = Path(__file__).resolve().parent


def _before_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "xindu_before_generate", HERE.parent / "xindu-2022-before" / "generate.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    sys.dont_write_bytecode = True  # leave no __pycache__ in the sibling example
    before = _before_module()
    before.write(HERE / "data", before.build(after=True))
