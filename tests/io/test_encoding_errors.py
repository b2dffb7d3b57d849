"""Every codec's error is the file's error (exit 1), and ``auto`` reads UTF-16 with a BOM."""

from __future__ import annotations

from pathlib import Path

import pytest

import gridpolicing
from gridpolicing import DatasetError
from gridpolicing.cli.main import main
from tests.io.sample import rows

PEOPLE = "id,name\np1,张三\np2,李四\n"
HINT = "check the file's encoding (encoding=, --encoding)"


def _folder(tmp_path: Path, data: bytes) -> Path:
    folder = tmp_path / "csv"
    folder.mkdir(parents=True)
    (folder / "people.csv").write_bytes(data)
    return folder


def _problems(folder: Path, encoding: str) -> list[str]:
    with pytest.raises(DatasetError) as info:
        gridpolicing.load_dataset(folder, encoding=encoding)
    return [str(p) for p in info.value.problems]


def test_utf16_without_a_bom_names_the_file_alone(tmp_path: Path) -> None:
    # Python's utf-16 decoder raises the base UnicodeError here, with no position to name.
    folder = _folder(tmp_path, PEOPLE.encode())
    assert _problems(folder, "utf-16") == [
        f"{folder / 'people.csv'}: not utf-16 text: UTF-16 stream does not start with BOM; {HINT}"
    ]


@pytest.mark.parametrize(
    ("encoding", "text"),
    [("idna", PEOPLE), ("punycode", PEOPLE), ("utf-32", PEOPLE), ("punycode", "id,name\np1,x y\n")],
)
def test_any_codecs_error_is_the_files_error(tmp_path: Path, encoding: str, text: str) -> None:
    # Chinese text fails these codecs' ASCII step; ASCII text fails punycode's own check,
    # which raises the base UnicodeError.
    folder = _folder(tmp_path, text.encode())
    [problem] = _problems(folder, encoding)
    assert problem.startswith(f"{folder / 'people.csv'}")
    assert f": not {encoding} text: " in problem
    assert problem.endswith(HINT)


def test_a_utf16_file_with_a_bom_reads_in_auto(tmp_path: Path) -> None:
    for order in ("utf-16-le", "utf-16-be"):
        bom = "\ufeff".encode(order)
        folder = _folder(tmp_path / order, bom + PEOPLE.replace("\n", "\r\n").encode(order))
        data = gridpolicing.load_dataset(folder)
        assert [r[:2] for r in rows(data, "people")] == [("p1", "张三"), ("p2", "李四")]


def test_a_bad_utf16_file_names_utf16_not_gb18030(tmp_path: Path) -> None:
    # A lone high surrogate on line 3: the BOM chose UTF-16, so the message names UTF-16.
    data = "\ufeffid,name\np1,张三\n".encode("utf-16-le") + b"p2,\x00\xd8\n\x00"
    folder = _folder(tmp_path, data)
    [problem] = _problems(folder, "auto")
    assert problem.startswith(f"{folder / 'people.csv'}:3: not utf-16 text: ")


@pytest.mark.parametrize("encoding", ["utf-16", "idna", "punycode"])
def test_the_cli_exits_1_without_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    folder = _folder(tmp_path, PEOPLE.encode())
    evaluate = ["evaluate", "--policy", "chengdu-xinjin-2022", "--period", "2022-03"]
    assert main([*evaluate, "--data", str(folder), "--encoding", encoding]) == 1
    err = capsys.readouterr().err
    assert f"{folder / 'people.csv'}" in err
    assert f"not {encoding} text" in err
    assert "Traceback" not in err
    assert main([*evaluate, "--data", str(folder), "--encoding", "base64"]) == 2
    assert "unknown encoding 'base64'" in capsys.readouterr().err
