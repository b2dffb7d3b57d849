"""``python -m gridpolicing.i18n``: the marked texts ``zh.po`` lacks, as entries to fill in."""

from __future__ import annotations

import sys

from gridpolicing.i18n import catalogue
from gridpolicing.i18n.extract import marked


def main() -> int:
    """Print a ``msgid``/``msgstr ""`` pair per missing text; exit 1 if there is any."""
    known = catalogue()
    missing = sorted(m for m in marked() if m not in known)
    for m in missing:
        escaped = m.replace("\\", "\\\\").replace('"', '\\"')
        print(f'msgid "{escaped}"\nmsgstr ""\n')
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
