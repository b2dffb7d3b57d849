"""Defects a new user found in the service, each over a real server: no server folder in an
answer, a repeated form field refused, a zip whose tables are not where the loader looks refused.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.service.server import ROOT, SMALL_DATA, SMALL_PERIOD, SMALL_POLICY, Answer, Server


@pytest.fixture(scope="module")
def allowed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An allowed directory holding the example with an unknown column in people.csv."""
    root = tmp_path_factory.mktemp("allowed")
    bad = root / "badcol"
    shutil.copytree(SMALL_DATA, bad)
    people = bad / "people.csv"
    lines = people.read_text(encoding="utf-8").splitlines()
    people.write_text(
        "\n".join([lines[0] + ",colour", *(line + ",red" for line in lines[1:])]) + "\n",
        encoding="utf-8",
    )
    shutil.copytree(SMALL_DATA, root / "good")
    return root


@pytest.fixture(scope="module")
def server(allowed: Path) -> Iterator[Server]:
    running = Server("--allow-path", str(allowed))
    yield running
    running.stop()


def _evaluate_path(server: Server, path: str) -> Answer:
    body = {"policy": SMALL_POLICY, "period": SMALL_PERIOD, "dataset": {"path": path}}
    return server.post_json("/v1/evaluate", body)


@pytest.mark.parametrize("given", ["badcol", "ROOT/badcol"])
def test_problems_of_an_allowed_path_never_show_the_server_folder(
    server: Server, allowed: Path, given: str
) -> None:
    answer = _evaluate_path(server, given.replace("ROOT", str(allowed)))
    assert answer.status == 422, answer.body[:500]
    problems = answer.json()["error"]["problems"]
    assert problems
    assert {p["file"] for p in problems} == {"badcol/people.csv"}
    assert str(allowed) not in answer.body.decode()


def test_a_report_of_an_allowed_path_never_shows_the_server_folder(
    server: Server, allowed: Path
) -> None:
    answer = _evaluate_path(server, str(allowed / "good"))
    assert answer.status == 200, answer.body[:500]
    assert str(allowed) not in answer.body.decode()
    assert answer.json()["dataset"]["source"] == "good"


def _form(parts: list[tuple[str, str | tuple[str, bytes]]]) -> tuple[bytes, str]:
    """A multipart body that may repeat a field (the server helper takes a mapping)."""
    boundary = "review-boundary-3c9a"
    out = b""
    for name, value in parts:
        if isinstance(value, str):
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            out += head.encode() + value.encode() + b"\r\n"
        else:
            filename, content = value
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            out += head.encode() + content + b"\r\n"
    return out + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _csv_members(prefix: str) -> dict[str, bytes]:
    return {prefix + p.name: p.read_bytes() for p in sorted(SMALL_DATA.glob("*.csv"))}


_DATA_ZIP = ("data.zip", _zip(_csv_members("")))


@pytest.mark.parametrize(
    ("field", "parts"),
    [
        ("period", [("period", "2022-01"), ("period", "2022-04"), ("policy", SMALL_POLICY)]),
        ("policy", [("period", "2022-01"), ("policy", SMALL_POLICY), ("policy", SMALL_POLICY)]),
        ("dataset", [("period", "2022-01"), ("policy", SMALL_POLICY), ("dataset", _DATA_ZIP)]),
    ],
    ids=["period", "policy", "dataset"],
)
def test_a_repeated_form_field_is_a_400_naming_it(
    server: Server, field: str, parts: list[tuple[str, Any]]
) -> None:
    body, ctype = _form([*parts, ("dataset", _DATA_ZIP)])
    answer = server.request("POST", "/v1/evaluate", body, {"Content-Type": ctype})
    assert answer.status == 400, answer.body[:500]
    assert f"form field {field!r} is given more than once" in answer.json()["error"]["message"]


def test_the_form_without_repeats_is_evaluated(server: Server) -> None:
    parts: list[tuple[str, Any]] = [("period", SMALL_PERIOD), ("policy", SMALL_POLICY)]
    body, ctype = _form([*parts, ("dataset", _DATA_ZIP)])
    answer = server.request("POST", "/v1/evaluate", body, {"Content-Type": ctype})
    assert answer.status == 200, answer.body[:500]


@pytest.mark.parametrize(
    ("members", "holds"),
    [
        (_csv_members("a/b/"), "a/b/assignments.csv"),
        ({**_csv_members("x/"), **_csv_members("y/")}, "x/assignments.csv"),
        ({"readme.txt": b"hello"}, "readme.txt"),
        ({"a/deployment.xlsx": b"x", "b/deployment.yaml": b"x"}, "a/deployment.xlsx"),
    ],
    ids=["nested", "two-folders", "no-tables", "two-documents"],
)
def test_a_zip_without_tables_where_the_loader_looks_is_a_422(
    server: Server, members: dict[str, bytes], holds: str
) -> None:
    fields = {"policy": SMALL_POLICY, "period": SMALL_PERIOD}
    answer = server.post_form("/v1/evaluate", fields, {"dataset": ("data.zip", _zip(members))})
    assert answer.status == 422, answer.body[:500]
    [problem] = answer.json()["error"]["problems"]
    assert problem["file"] == "data.zip"
    assert holds in problem["message"]
    assert "expected the tables" in problem["message"]


@pytest.mark.parametrize("prefix", ["", "data/"], ids=["top", "folder"])
def test_a_zip_of_one_dataset_document_is_that_document(server: Server, prefix: str) -> None:
    rows = {}
    for p in sorted(SMALL_DATA.glob("*.csv")):
        with p.open(encoding="utf-8", newline="") as f:
            rows[p.stem] = [{k: v for k, v in r.items() if v} for r in csv.DictReader(f)]
    document = json.dumps(rows, ensure_ascii=False).encode()
    fields = {"policy": SMALL_POLICY, "period": SMALL_PERIOD}
    upload = ("data.zip", _zip({prefix + "deployment.json": document}))
    answer = server.post_form("/v1/evaluate", fields, {"dataset": upload})
    assert answer.status == 200, answer.body[:500]
    assert answer.json()["dataset"]["tables"]["units"]["read"] > 0


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/v1/evaluate", {"policy": SMALL_POLICY, "dataset": {"path": "good"}}),
        (
            "/v1/evaluate",
            {
                "policy": SMALL_POLICY,
                "period": "2022-01",
                "dataset": {"path": "good"},
                "colour": "red",
            },
        ),
        ("/v1/validate", {"name": "p.yaml"}),
        ("/v1/validate", {"text": "id: x\n", "colour": "red"}),
        ("/v1/validate", {"text": 5}),
        ("/v1/validate", {"text": "id: x\n", "name": 7}),
    ],
    ids=[
        "evaluate-missing",
        "evaluate-unknown",
        "validate-missing",
        "validate-unknown",
        "validate-number-text",
        "validate-number-name",
    ],
)
def test_a_json_body_not_matching_its_schema_is_a_400_as_a_form_is(
    server: Server, path: str, body: dict[str, Any]
) -> None:
    answer = server.post_json(path, body)
    assert answer.status == 400, answer.body[:500]
    error = answer.json()["error"]
    assert error["code"] == "bad_request"
    assert error["problems"], error


def test_a_bad_query_parameter_is_a_400(server: Server) -> None:
    answer = server.get(f"/v1/policies/{SMALL_POLICY}?format=pdf")
    assert answer.status == 400, answer.body[:500]
    assert answer.json()["error"]["problems"][0]["field"] == "query.format"


def test_an_empty_dataset_path_is_said_to_be_empty(server: Server) -> None:
    answer = _evaluate_path(server, "")
    assert answer.status == 400, answer.body[:500]
    assert "the dataset path is empty" in answer.json()["error"]["message"]


@pytest.mark.parametrize("filename", ["data", "data.csv"])
def test_an_upload_of_no_known_kind_says_a_zip_is_expected(server: Server, filename: str) -> None:
    fields = {"policy": SMALL_POLICY, "period": SMALL_PERIOD}
    answer = server.post_form("/v1/evaluate", fields, {"dataset": (filename, _DATA_ZIP[1])})
    assert answer.status == 422, answer.body[:500]
    [problem] = answer.json()["error"]["problems"]
    assert problem["file"] == filename
    assert "expected a .zip of the tables" in problem["message"]


@pytest.fixture(scope="module")
def parents(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A --policy-path directory holding a parent policy with a bad severity."""
    folder = tmp_path_factory.mktemp("parents")
    baseline = (ROOT / "policies" / "baseline-community-policing.yaml").read_text(encoding="utf-8")
    broken = baseline.replace("id: baseline-community-policing", "id: parent-x", 1)
    (folder / "parent-x.yaml").write_text(
        broken.replace("severity: critical", "severity: grave"), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def parented(parents: Path, allowed: Path) -> Iterator[Server]:
    running = Server("--policy-path", str(parents), "--allow-path", str(allowed))
    yield running
    running.stop()


_KID = "id: kid\nextends: parent-x\njurisdiction: 区\ntitle: {zh: 区, en: x}\n"


def test_problems_of_a_parent_on_the_policy_path_never_show_its_folder(
    parented: Server, parents: Path
) -> None:
    validated = parented.post_json("/v1/validate", {"text": _KID, "name": "kid.yaml"})
    body = {"policy": {"text": _KID}, "period": SMALL_PERIOD, "dataset": {"path": "good"}}
    evaluated = parented.post_json("/v1/evaluate", body)
    assert validated.status == 200, validated.body[:500]
    assert evaluated.status == 422, evaluated.body[:500]
    for problems in (validated.json()["problems"], evaluated.json()["error"]["problems"]):
        assert problems
        assert {p["file"] for p in problems} == {"parent-x.yaml"}
    assert str(parents) not in validated.body.decode() + evaluated.body.decode()
