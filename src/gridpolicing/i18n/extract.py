"""The texts the code marks for translation, found as Babel's extractor finds them."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir

__all__ = ["KEYWORDS", "marked"]

KEYWORDS = {"_": None, "N_": None, "both": None}
"""The functions whose first argument is a text of the catalogue."""


def marked() -> set[str]:
    """Every text marked in the package's modules."""
    root = Path(__file__).resolve().parents[1]
    found = extract_from_dir(
        str(root), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()
    )
    return {m[2] if isinstance(m[2], str) else m[2][0] for m in found}
