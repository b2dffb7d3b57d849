"""The clause policies of docs/assessment.md's worked examples are what the page says.

tests/policies/clauses/generate_doc_cases.py copies each example policy from the page and
writes its data and printed table as a policy test (run by ``make policies``); this test
fails when the page or the committed files change without the other.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

CLAUSES = Path(__file__).resolve().parents[1] / "policies" / "clauses"


def test_the_committed_files_are_what_the_generator_writes_from_the_page() -> None:
    spec = importlib.util.spec_from_file_location("gen", CLAUSES / "generate_doc_cases.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rendered: dict[str, str] = module.render()
    assert len(rendered) == 14
    for name, text in rendered.items():
        assert (CLAUSES / name).read_text(encoding="utf-8") == text, name
