"""docs/policies/coverage.md: a clause counts as checked only where a rule checks it."""

from __future__ import annotations

from pathlib import Path

from gridpolicing import load_policy
from gridpolicing.policy.coverage import coverage_markdown

POLICY = """
id: p
jurisdiction: 某地
title: {zh: 示例, en: Example}
sources: [{id: s, title: 示例文本, issuer: 某局, file: s.md}]
rules:
  - id: duties
    kind: coverage
    title: {zh: 覆盖, en: Covered}
    severity: major
    subject: {units: {type: locality}}
    roles: [community_officer]
    citation: {source: s, quote: "每村配备民警,建立台账,每周巡逻"}
not_encoded:
  - {source: s, quote: 建立台账, reason: the ledger is not recorded}
  - {source: s, quote: 加强领导, reason: an aim}
"""


def test_a_not_encoded_clause_inside_a_cited_one_is_not_checked(tmp_path: Path) -> None:
    (tmp_path / "s.md").write_text("每村配备民警,建立台账,每周巡逻。加强领导。", encoding="utf-8")
    (tmp_path / "p.yaml").write_text(POLICY, encoding="utf-8")
    md = coverage_markdown([load_policy(tmp_path / "p.yaml")], tmp_path)
    # 22 characters: the rule's quote 16 (4 of them not encoded), the aim 4, two full stops
    assert "covered: 91%; checked: 55%." in md
    rows = [
        line
        for line in md.splitlines()
        if line.startswith("| ") and not line.startswith(("| clause", "| ---"))
    ]
    assert rows[0].startswith("| 每村配备民警,建立台账,每周巡逻 | rule `p:duties`")
    assert rows[1].startswith("| 建立台账 | not encoded: the ledger")
