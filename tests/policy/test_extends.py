"""extends: a parent is found beside the file, in the policy path or bundled, never elsewhere."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gridpolicing import PolicyError, load_policy
from gridpolicing.policy.chain import MAX_CHAIN
from tests.helpers import registry_of

REG = registry_of({"time_commitment"})

RULE = """\
  - id: {rid}
    kind: time_commitment
    title: {{zh: 时间, en: hours}}
    severity: major
    subject: {{people: {{roles: [community_officer]}}}}
    period: week
    min_hours: {hours}
    citation: {{source: s1, quote: 不少于24小时}}
"""


def policy(pid: str, extends: str | None = None, hours: object = 24, rid: str = "hours") -> str:
    head = f"id: {pid}\njurisdiction: 测试区\ntitle: {{zh: 测试, en: test}}\n"
    if extends is not None:
        head += f"extends: {extends}\n"
    head += "sources: [{id: s1, title: 文本, issuer: 某局}]\nrules:\n"
    return head + RULE.format(rid=rid, hours=hours)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def messages(path: Path, **kwargs: object) -> list[str]:
    with pytest.raises(PolicyError) as info:
        load_policy(path, registry=REG, **kwargs)  # type: ignore[arg-type]
    return [str(p) for p in info.value.problems]


def test_the_parent_does_not_depend_on_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = write(tmp_path / "a" / "child.yaml", policy("child", extends="base", rid="own"))
    write(tmp_path / "a" / "base.yaml", policy("base", hours=24))
    write(tmp_path / "elsewhere" / "base.yaml", policy("base", hours=1))
    found = []
    for cwd in (tmp_path, tmp_path / "a", tmp_path / "elsewhere"):
        monkeypatch.chdir(cwd)
        loaded = load_policy(child.resolve(), registry=REG)
        found.append(loaded.rule("hours").min_hours)  # type: ignore[attr-defined]
    assert found == [24, 24, 24]


def test_a_parent_only_in_the_working_directory_is_not_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    child = write(tmp_path / "a" / "child.yaml", policy("child", extends="base"))
    write(tmp_path / "cwd" / "base.yaml", policy("base"))
    monkeypatch.chdir(tmp_path / "cwd")
    [msg] = messages(child.resolve())
    assert ":4:10: extends: no policy 'base' beside this file, in the policy path or bundled" in msg


def test_a_parent_in_a_declared_policy_path_is_found(tmp_path: Path) -> None:
    child = write(tmp_path / "a" / "child.yaml", policy("child", extends="base", rid="own"))
    write(tmp_path / "lib" / "base.yaml", policy("base"))
    [missing] = messages(child)  # not found without the path ...
    assert "no policy 'base' beside this file" in missing
    loaded = load_policy(child, registry=REG, policy_path=[tmp_path / "lib"])
    assert [r.id for r in loaded.rules] == ["hours", "own"]
    assert loaded.files[0].endswith("base.yaml")


SECRET = "api_token: hunter2-do-not-leak\n"


@pytest.mark.parametrize("how", ["dotdot", "absolute", "symlink", "symlinked-dir"])
def test_a_parent_outside_the_roots_is_never_read(tmp_path: Path, how: str) -> None:
    secret = write(tmp_path / "private" / "secret.yaml", SECRET)
    root = tmp_path / "policies"
    root.mkdir()
    ref = {"dotdot": "../private/secret.yaml", "absolute": str(secret)}.get(how, "link.yaml")
    if how == "symlink":
        (root / "link.yaml").symlink_to(secret)
    if how == "symlinked-dir":
        (root / "sub").symlink_to(tmp_path / "private")
        ref = "sub/secret.yaml"
    child = write(root / "child.yaml", policy("child", extends=ref))
    [msg] = messages(child)
    assert "points outside the policy roots" in msg
    assert ":4:10: extends:" in msg
    assert "hunter2" not in msg
    assert "api_token" not in msg


def test_a_parent_below_the_file_and_back_up_inside_the_roots_is_found(tmp_path: Path) -> None:
    write(tmp_path / "p" / "base.yaml", policy("base"))
    write(tmp_path / "p" / "sub" / "mid.yaml", policy("mid", extends="../base.yaml", rid="m"))
    child = write(tmp_path / "p" / "child.yaml", policy("child", extends="sub/mid", rid="c"))
    assert [r.id for r in load_policy(child, registry=REG).rules] == ["hours", "m", "c"]


def test_a_cycle_is_reported_at_the_extends_value_that_closes_it(tmp_path: Path) -> None:
    a = write(tmp_path / "a.yaml", policy("a", extends="b", rid="ra"))
    write(tmp_path / "b.yaml", policy("b", extends="a", rid="rb"))
    [msg] = messages(a)
    assert msg.endswith("b.yaml:4:10: extends: extends forms a cycle: " + _cycle(tmp_path))


def _cycle(tmp: Path) -> str:
    names = [tmp / "a.yaml", tmp / "b.yaml", tmp / "a.yaml"]
    return " -> ".join(str(p.resolve()) for p in names)


def test_a_self_extending_policy_is_a_cycle(tmp_path: Path) -> None:
    a = write(tmp_path / "a.yaml", policy("a", extends="a.yaml"))
    [msg] = messages(a)
    assert ":4:10: extends: extends forms a cycle" in msg


def _chain(tmp_path: Path, n: int) -> Path:
    write(tmp_path / "p0.yaml", policy("p0", rid="r0"))
    for i in range(1, n):
        write(tmp_path / f"p{i}.yaml", policy(f"p{i}", extends=f"p{i - 1}", rid=f"r{i}"))
    return tmp_path / f"p{n - 1}.yaml"


def test_a_long_chain_within_the_maximum_is_not_a_cycle(tmp_path: Path) -> None:
    loaded = load_policy(_chain(tmp_path, 20), registry=REG)
    assert len(loaded.files) == 20
    assert len(loaded.rules) == 20
    assert len(load_policy(_chain(tmp_path / "max", MAX_CHAIN), registry=REG).files) == MAX_CHAIN


def test_a_chain_longer_than_the_maximum_is_refused_where_it_grows(tmp_path: Path) -> None:
    [msg] = messages(_chain(tmp_path, MAX_CHAIN + 1))
    assert msg.endswith(
        f"p1.yaml:4:10: extends: the extends chain is longer than {MAX_CHAIN} files"
    )
    assert "cycle" not in msg


def test_a_broken_child_does_not_hide_its_broken_parent(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", policy("base", hours="-3"))
    child = write(tmp_path / "child.yaml", policy("child", extends="base", hours="true", rid="c"))
    found = messages(child)
    assert any(
        "base.yaml:12:16: rules[hours].min_hours: expected a number greater than 0" in m
        for m in found
    )
    assert any(
        "child.yaml:13:16: rules[c].min_hours: expected a number, not a boolean" in m for m in found
    )


def test_an_unreadable_parent_is_reported_with_the_child(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", "id: [unclosed\n")
    child = write(tmp_path / "child.yaml", policy("child", extends="base", hours="0"))
    found = messages(child)
    assert any("base.yaml:2:1: malformed YAML" in m for m in found)
    assert any(
        "child.yaml:13:16: rules[hours].min_hours: expected a number greater than 0" in m
        for m in found
    )


def test_the_policy_itself_may_be_named_from_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path / "p.yaml", policy("p"))
    monkeypatch.chdir(tmp_path)
    assert load_policy("p.yaml", registry=REG).id == "p"
    assert os.path.isabs(load_policy("p.yaml", registry=REG).files[0]) is False


@pytest.mark.parametrize("ref", ["a" * 5000, "sub/" * 2000 + "x", '"nul\\0byte"'])
def test_a_reference_the_file_system_cannot_hold_is_not_found(tmp_path: Path, ref: str) -> None:
    [msg] = messages(write(tmp_path / "child.yaml", policy("child", extends=ref)))
    assert ":4:10: extends:" in msg


def test_the_policy_itself_may_have_a_name_the_file_system_cannot_hold() -> None:
    with pytest.raises(PolicyError, match="no such policy file or bundled policy id"):
        load_policy("a" * 5000, registry=REG)
