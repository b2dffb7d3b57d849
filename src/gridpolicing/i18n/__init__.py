"""The words of gridpolicing's own output in Chinese and English, from a gettext catalogue.

Headings, labels, statuses and the sentences of the commands are written in English in the code,
marked ``_("...")`` where they are shown or ``N_("...")`` where they are kept for later, and
translated from ``i18n/zh.po`` (a standard gettext catalogue: Poedit, Weblate and every
translation tool read it; ``tests/test_i18n.py`` fails on a marked text the catalogue lacks, on
one it holds that no code uses, and on a translation whose ``{placeholders}`` differ). The
sentences a rule kind writes for its findings are the kind's own (``describe`` returns zh and
en), as a plugin kind brings its own.

``python -m gridpolicing.i18n`` lists marked texts missing from the catalogue, as ``msgid``
entries to paste into it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.resources import files
from typing import Any, Final

from babel.messages.pofile import read_po

from gridpolicing.policy.values import Text

__all__ = ["LANGS", "N_", "SEVERITIES", "Translate", "both", "catalogue", "translator"]

LANGS: Final = ("zh", "en")
"""The languages of the output: Chinese first."""

Translate = Callable[..., str]
"""``_(msgid, **values)``: the text in the chosen language, ``{name}`` fields filled in."""


def N_(msgid: str) -> str:  # gettext's name: mark now, translate later
    """Mark ``msgid`` for the catalogue without translating it (a constant kept for later)."""
    return msgid


SEVERITIES: Final = {"critical": N_("critical"), "major": N_("major"), "minor": N_("minor")}
"""The words of a rule's severity (translate with :func:`translator`)."""


@cache
def catalogue() -> dict[str, str]:
    """English text -> Chinese text, read once from ``zh.po`` (empty translations left out)."""
    with files(__package__).joinpath("zh.po").open("rb") as fh:
        po = read_po(fh, locale="zh_Hans_CN")
    return {str(m.id): str(m.string) for m in po if m.id and m.string}


def translator(lang: str) -> Translate:
    """The ``_`` of ``lang``: Chinese from the catalogue (English where it has no entry)."""
    table = catalogue() if lang == "zh" else {}

    def _(msgid: str, **values: Any) -> str:
        out = table.get(msgid, msgid)
        return out.format(**values) if values else out

    return _


def both(msgid: str, **values: Any) -> Text:
    """``msgid`` in both languages, for what carries both (a report, a JSON answer)."""
    return Text(zh=translator("zh")(msgid, **values), en=translator("en")(msgid, **values))
