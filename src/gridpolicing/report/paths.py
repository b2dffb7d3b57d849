"""Portable names for the files a report cites, so its bytes do not depend on the machine.

A policy file is named relative to the policy's root (the folder of the policy file the user
named), a bundled policy file as ``bundled:<path inside the bundled policies folder>``; a dataset
file relative to the dataset's root. Separators are always ``/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Final, final

from gridpolicing.policy.resources import bundled_dir

if TYPE_CHECKING:
    from gridpolicing.policy.document import Policy

__all__ = ["BUNDLED_PREFIX", "PolicyPaths", "policy_paths", "relative_name"]

BUNDLED_PREFIX: Final = "bundled:"


@final
@dataclass(frozen=True, slots=True)
class PolicyPaths:
    """A policy's files (root template first) and each rule's ``file:line``, portably named."""

    files: tuple[str, ...]
    origins: dict[str, str]


def policy_paths(policy: Policy) -> PolicyPaths:
    """The portable names of ``policy.files`` and ``policy.origins``.

    The loader names a file relative to the working directory it ran in (or absolutely, when the
    file is not below it), so call this in the same working directory as ``load_policy``; the
    Report calls it when :func:`gridpolicing.evaluate` builds it.
    """
    root = _root(policy)
    names = {f: _policy_file(Path(f), root) for f in policy.files}
    origins = {}
    for rule_id, origin in policy.origins.items():
        # an origin is "<one of files>:<line>"; a file name may itself hold a colon (C:\\)
        file, _, line = origin.rpartition(":")
        name = names[file] if file in names else _policy_file(Path(file), root)
        origins[rule_id] = f"{name}:{line}"
    return PolicyPaths(tuple(names[f] for f in policy.files), origins)


def _root(policy: Policy) -> Path:
    """The folder of the policy file the user named: the last of the chain."""
    return Path(policy.files[-1]).resolve().parent if policy.files else Path.cwd()


def _policy_file(path: Path, root: Path) -> str:
    absolute = path.resolve()
    bundled = bundled_dir("policies").resolve()
    if absolute.is_relative_to(bundled):
        return BUNDLED_PREFIX + absolute.relative_to(bundled).as_posix()
    return relative_name(absolute, root)


def relative_name(path: PurePath, root: PurePath) -> str:
    """``path`` relative to ``root`` with ``/`` separators (``..`` where it lies beside the root).

    Where no relative path exists (another drive), the absolute path: still true, if not portable.
    """
    try:
        return PurePath(os.path.relpath(path, root)).as_posix()
    except ValueError:
        return PurePath(path).as_posix()
