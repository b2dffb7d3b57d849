"""Where the bundled policies, schemas and examples are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

__all__ = ["bundled_dir", "bundled_policy_ids", "bundled_policy_path"]

_PACKAGE = Path(__file__).resolve().parent.parent


def bundled_dir(name: str) -> Path:
    """``policies``, ``schemas`` or ``examples``: in the wheel, or at the top of a checkout."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent.parent / name


def bundled_policy_ids() -> list[str]:
    """Ids of the policies shipped with the library, sorted."""
    d = bundled_dir("policies")
    return sorted(p.stem for p in d.glob("*.yaml")) if d.is_dir() else []


def bundled_policy_path(policy_id: str) -> Path | None:
    """The file of bundled policy ``policy_id``, if there is one."""
    if "/" in policy_id or "\\" in policy_id or policy_id.startswith("."):
        return None
    path = bundled_dir("policies") / f"{policy_id}.yaml"
    try:
        return path if path.is_file() else None
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        return None
