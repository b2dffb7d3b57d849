"""The clause policies of docs/assessment.md's worked examples are what the page says.

tests/policies/clauses/generate_doc_cases.py copies each example policy from the page and
writes its data and printed table as a policy test (run by ``make policies``); this test
fails when the page or the committed files change without the other.
"""

from __future__ import annotations

from tests.policies.clauses.generate_doc_cases import HERE, render


def test_the_committed_files_are_what_the_generator_writes_from_the_page() -> None:
    rendered = render()
    assert len(rendered) == 14
    for name, text in rendered.items():
        assert (HERE / name).read_text(encoding="utf-8") == text, name
