"""A rendered policy says whom each rule judges in the vocabulary's words, not as data."""

from __future__ import annotations

from gridpolicing import load_policy
from gridpolicing.policy.render import render_policy


def test_subjects_are_named_by_their_terms() -> None:
    policy = load_policy("nanjing-2016")
    zh = render_policy(policy, lang="zh")
    assert "- **对象**: 人员 社区民警 (`community_officer`)\n" in zh
    assert "- **对象**: 单位 社区/村 (`locality`) · category 城市社区 (`urban_community`)\n" in zh
    assert '{"roles"' not in zh
    en = render_policy(policy, lang="en")
    assert "- **Subject**: people community officer (`community_officer`)\n" in en
    assert "- **Severity**: critical\n" in en
    assert "- **严重程度**: 严重\n" in zh
