"""What an operator decides about a service: allowed paths and limits (``gridpolicing serve``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, TextIO, final

from gridpolicing.errors import UsageError

__all__ = ["MIB", "Settings"]

MIB: Final = 1024 * 1024


@final
@dataclass(frozen=True, slots=True)
class Settings:
    """The settings one app is built from (:func:`gridpolicing.service.create_app`).

    Nothing else configures a running service: two apps with different settings live side by
    side in one process.
    """

    allow_paths: tuple[Path, ...] = ()
    """Directories whose datasets a client may name by path (resolved); none by default."""
    policy_path: tuple[Path, ...] = ()
    """Directories where ``extends`` in a client's policy text may find a parent."""
    max_body_bytes: int = 64 * MIB
    """The largest request body; a bigger one is answered 413 without being read."""
    timeout_s: float = 60.0
    """How long one evaluation (loading its data included) may take before it is stopped."""
    max_concurrent: int = 2
    """Evaluations running at once; one more is answered 503 with Retry-After."""
    max_unzipped_bytes: int = 512 * MIB
    """What the members of an uploaded zip may add up to once extracted."""
    max_zip_members: int = 1000
    """The most members an uploaded zip may hold."""
    stream: TextIO | None = field(default=None, compare=False)
    """Where the JSON log lines go (a text stream); ``None``: standard error."""

    def __post_init__(self) -> None:
        numbers = {
            "max_body_bytes": self.max_body_bytes,
            "timeout_s": self.timeout_s,
            "max_concurrent": self.max_concurrent,
            "max_unzipped_bytes": self.max_unzipped_bytes,
            "max_zip_members": self.max_zip_members,
        }
        for name, value in numbers.items():
            if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
                raise UsageError(f"{name} must be a positive number, not {value!r}")
        for d in (*self.allow_paths, *self.policy_path):
            if not Path(d).is_dir():
                raise UsageError(f"{d}: not a directory")
        # Resolved once: a request's path is compared with the real directories.
        object.__setattr__(self, "allow_paths", tuple(Path(d).resolve() for d in self.allow_paths))
        object.__setattr__(self, "policy_path", tuple(Path(d).resolve() for d in self.policy_path))
