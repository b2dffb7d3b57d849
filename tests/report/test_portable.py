"""Portable reports: the same input gives the same bytes wherever and however it is run."""

from __future__ import annotations

import json
import os
import posixpath
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gridpolicing import evaluate, load_dataset, load_policy
from gridpolicing.cli.main import main
from gridpolicing.errors import UsageError
from gridpolicing.report.paths import policy_paths, relative_name

ROOT = Path(__file__).resolve().parents[2]
XINJIN = ROOT / "examples" / "xinjin-2022" / "data"
# A chain of three: a local policy, a shared one beside its folder, and a bundled one.
SHARED = """\
id: xinjin-shared
extends: chengdu-xinjin-2022
jurisdiction: 成都市新津区
title: {zh: 新津（共享）, en: Xinjin (shared)}
rules:
  - id: local-staffed
    kind: staffing
    title: {zh: 每村至少一名社区民警, en: at least one community officer per village}
    severity: minor
    roles: [community_officer]
    min_people: 1
    subject: {units: {type: locality}}
    citation: {source: xinjin-2022, quote: 村村有警}
"""
LOCAL = """\
id: xinjin-local
extends: ../shared/base.yaml
jurisdiction: 成都市新津区
title: {zh: 新津（本地）, en: Xinjin (local)}
"""
BAD_ROW = "act-bad,xj-vc01,xj-v01,patrol,2022-03-05 09:00,2022-03-04 10:00,,,true,\n"


def _project(where: Path) -> Path:
    """A policy chain and a copy of the Xinjin data (with one bad row) under ``where``."""
    (where / "shared").mkdir(parents=True)
    (where / "policy").mkdir()
    (where / "shared" / "base.yaml").write_text(SHARED, encoding="utf-8")
    (where / "policy" / "local.yaml").write_text(LOCAL, encoding="utf-8")
    shutil.copytree(XINJIN, where / "data")
    with (where / "data" / "activities.csv").open("a", encoding="utf-8") as fh:
        fh.write(BAD_ROW)
    return where


def _install(where: Path) -> Path:
    """A copy of the package and the bundled policies it finds beside it (a checkout's layout)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "src" / "gridpolicing", where / "src" / "gridpolicing", ignore=ignore)
    shutil.copytree(ROOT / "policies", where / "policies", ignore=ignore)
    return where / "src"


def _env(pythonpath: Path, tz: str, lang: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("LC_", "PYTHON")) and k not in ("LANG", "LANGUAGE", "TZ")
    }
    return {**env, "PYTHONPATH": str(pythonpath), "TZ": tz, "LANG": lang}


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "gridpolicing", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        check=False,
        timeout=300,
    )


def test_same_input_gives_the_same_bytes_from_anywhere(tmp_path: Path) -> None:
    a = _project(tmp_path / "site-a" / "project")
    b = _project(tmp_path / "elsewhere" / "deeper" / "site-b")
    runs = [
        # relative arguments from inside the project; UTC; the C locale
        (
            _install(tmp_path / "install-a"),
            a,
            ["--policy", "policy/local.yaml", "--data", "data", "--policy-path", "shared"],
            "UTC",
            "C",
        ),
        # absolute arguments from an unrelated folder; another install, zone and language
        (
            _install(tmp_path / "opt" / "install-b"),
            tmp_path,
            [
                *("--policy", str(b / "policy" / "local.yaml"), "--data", str(b / "data")),
                *("--policy-path", str(b / "shared")),
            ],
            "Asia/Shanghai",
            "zh_CN.UTF-8",
        ),
    ]
    outputs = []
    for src, cwd, where, tz, lang in runs:
        env = _env(src, tz, lang)
        probe = subprocess.run(
            [sys.executable, "-c", "import gridpolicing.policy.resources as r; print(r.__file__)"],
            cwd=cwd,
            env=env,
            capture_output=True,
            check=True,
            text=True,
        )
        # the run really imports (and finds bundled policies in) this copy
        assert Path(probe.stdout.strip()).is_relative_to(src)
        args = ["evaluate", *where, "--period", "2022-03", "--format", "json"]
        done = _run([*args, "--allow-rejected"], cwd, env)
        assert done.returncode == 0, done.stderr.decode()
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    report = json.loads(outputs[0])
    assert report["policy"]["files"] == [
        "bundled:chengdu-xinjin-2022.yaml",
        "../shared/base.yaml",
        "local.yaml",
    ]
    origins = {r["id"]: r["origin"] for r in report["rules"]}
    assert origins["local-staffed"] == "../shared/base.yaml:6"
    assert origins["village-has-officer"].startswith("bundled:chengdu-xinjin-2022.yaml:")
    assert report["dataset"]["source"] == "data"
    [rejected] = report["dataset"]["rejected"]
    assert (rejected["file"], rejected["id"]) == ("activities.csv", "act-bad")


def test_a_bundled_policy_is_named_by_its_place_in_the_bundle() -> None:
    paths = policy_paths(load_policy("chengdu-xinjin-2022"))
    assert paths.files == ("bundled:chengdu-xinjin-2022.yaml",)
    assert all(o.startswith("bundled:chengdu-xinjin-2022.yaml:") for o in paths.origins.values())


def test_paths_do_not_depend_on_how_the_policy_was_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(tmp_path / "p")
    shared = [project / "shared"]  # a parent outside the policy's folder must be on the path
    by_absolute = policy_paths(load_policy(project / "policy" / "local.yaml", policy_path=shared))
    monkeypatch.chdir(project / "shared")
    by_relative = policy_paths(
        load_policy(Path("..") / "policy" / "local.yaml", policy_path=[Path(".")])
    )
    assert by_absolute == by_relative
    assert by_absolute.files[1:] == ("../shared/base.yaml", "local.yaml")


def test_dataset_label_and_file_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = _project(tmp_path / "p")
    monkeypatch.chdir(project)
    folder = load_dataset("data/")
    assert folder.label == "data"
    [bad] = folder.rejected
    assert bad.file == str(Path("data") / "activities.csv")  # messages keep the path as given
    assert folder.relative_file(bad.file) == "activities.csv"
    assert load_dataset(project / "data", label="新津 2022-03").label == "新津 2022-03"
    single = tmp_path / "one" / "deployment.yaml"
    single.parent.mkdir()
    single.write_text("units: [{id: c1, type: locality, category: nowhere}]\n")
    one = load_dataset(single)
    assert one.label == "deployment.yaml"
    assert [one.relative_file(r.file) for r in one.rejected] == ["deployment.yaml"]
    with pytest.raises(UsageError, match="label must not be empty"):
        load_dataset(single, label=" ")


def test_evaluate_data_label_names_the_dataset(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["evaluate", "--policy", "chengdu-xinjin-2022", "--data", str(XINJIN)]
    assert main([*args, "--period", "2022-03", "--format", "json", "--data-label", "xj"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["dataset"]["source"] == "xj"
    evaluated = evaluate(load_policy("chengdu-xinjin-2022"), load_dataset(XINJIN), "2022-03")
    assert evaluated.to_dict()["dataset"]["source"] == "data"


@pytest.mark.parametrize(
    ("path", "root", "name"),
    [
        ("/a/b/c.yaml", "/a/b", "c.yaml"),
        ("/a/x/c.yaml", "/a/b", "../x/c.yaml"),
        ("/a/b/d/c.yaml", "/a/b", "d/c.yaml"),
    ],
)
def test_relative_name(path: str, root: str, name: str) -> None:
    assert relative_name(Path(path), Path(root)) == name


segments = st.lists(st.sampled_from(["a", "b", "政策", "x y"]), max_size=4)


@given(segments, segments, st.sampled_from(["p.yaml", "基础.yaml"]))
def test_relative_name_leads_back_from_the_root(
    base: list[str], rest: list[str], leaf: str
) -> None:
    root = PurePosixPath("/", *base)
    path = PurePosixPath("/", *rest, leaf)
    name = relative_name(path, root)
    assert "\\" not in name
    assert posixpath.normpath(posixpath.join(str(root), name)) == str(path)
