"""The HTTP API against a real server: the CLI's answers over HTTP, and bad input answered 4xx.

One server for the module (``gridpolicing serve`` in a subprocess on a free port), small limits
so the limit tests stay quick, and the small example (xindu-2022-before: three CSV files).
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.service.server import (
    ROOT,
    SMALL,
    SMALL_DATA,
    SMALL_PERIOD,
    SMALL_POLICY,
    Server,
    cli_report,
)

MAX_BODY_MB = 4
MAX_UNZIPPED_MB = 1
MAX_MEMBERS = 20


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """An allowed directory holding a copy of the example, a link out and a folder that leaks."""
    allowed = tmp_path_factory.mktemp("allowed")
    outside = tmp_path_factory.mktemp("outside")
    shutil.copytree(SMALL_DATA, outside / "data")
    shutil.copytree(SMALL_DATA, allowed / "data")
    (allowed / "link-out").symlink_to(outside / "data", target_is_directory=True)
    leaky = allowed / "leaky"
    shutil.copytree(SMALL_DATA, leaky)
    (leaky / "units.csv").unlink()
    (leaky / "units.csv").symlink_to(outside / "data" / "units.csv")
    return {"allowed": allowed, "outside": outside}


@pytest.fixture(scope="module")
def server(places: dict[str, Path]) -> Iterator[Server]:
    running = Server(
        "--allow-path",
        "examples",
        "--allow-path",
        str(places["allowed"]),
        "--max-body-mb",
        str(MAX_BODY_MB),
        "--max-unzipped-mb",
        str(MAX_UNZIPPED_MB),
        "--max-zip-members",
        str(MAX_MEMBERS),
    )
    yield running
    running.stop()


@pytest.fixture(scope="module")
def expected() -> bytes:
    """The CLI's report of the small example (its folder is named data, as the label below)."""
    return cli_report(SMALL_DATA)


def _rows() -> dict[str, list[dict[str, Any]]]:
    """The small example's CSV files as JSON rows (an empty cell left out, as it is no value)."""
    tables = {}
    for path in sorted(SMALL_DATA.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as fh:
            rows = csv.DictReader(fh)
            tables[path.stem] = [{k: v for k, v in r.items() if v != ""} for r in rows]
    return tables


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _csv_members(prefix: str = "") -> dict[str, bytes]:
    return {prefix + p.name: p.read_bytes() for p in sorted(SMALL_DATA.glob("*.csv"))}


def _evaluate(server: Server, dataset: dict[str, Any], policy: Any = SMALL_POLICY) -> Any:
    return server.post_json(
        "/v1/evaluate", {"policy": policy, "period": SMALL_PERIOD, "dataset": dataset}
    )


def test_health_answers_with_the_version(server: Server) -> None:
    answer = server.get("/v1/health")
    assert answer.status == 200
    from gridpolicing import __version__

    assert answer.json() == {"status": "ok", "version": __version__, "running": 0}


def test_the_bundled_policies_are_listed(server: Server) -> None:
    listed = {p["id"]: p for p in server.get("/v1/policies").json()["policies"]}
    from gridpolicing.policy.resources import bundled_policy_ids

    assert sorted(listed) == bundled_policy_ids()
    nanjing = listed["nanjing-2016"]
    assert nanjing["jurisdiction"] == "南京市"
    assert nanjing["effective_from"] == "2016-10-11"
    assert nanjing["title"]["zh"]
    assert nanjing["title"]["en"]
    assert listed["baseline-community-policing"]["template"] is True
    detail = server.get("/v1/policies/nanjing-2016").json()
    assert detail["rules"] == len(detail["rule_list"]) > 0


@pytest.mark.parametrize(("fmt", "lang"), [("markdown", "zh"), ("markdown", "en"), ("html", "en")])
def test_a_rendering_is_the_cli_rendering(server: Server, fmt: str, lang: str) -> None:
    answer = server.get(f"/v1/policies/{SMALL_POLICY}?format={fmt}&lang={lang}")
    assert answer.status == 200
    kind = "text/markdown" if fmt == "markdown" else "text/html"
    assert answer.headers["content-type"].startswith(kind)
    command = [sys.executable, "-m", "gridpolicing", "render", SMALL_POLICY, "--lang", lang]
    rendered = subprocess.run([*command, "--format", fmt], capture_output=True, check=True)
    assert answer.body == rendered.stdout


def test_validate_a_good_and_a_broken_text(server: Server) -> None:
    text = (ROOT / "policies/tests/example-district.yaml").read_text(encoding="utf-8")
    good = server.request(
        "POST", "/v1/validate", text.encode(), {"Content-Type": "application/yaml"}
    )
    assert good.status == 200
    assert good.json() == {"valid": True, "problems": []}
    broken = text.replace("annual_reward_top_n: 2", "annual_reward_top_n: many", 1)
    line = broken.splitlines().index("  annual_reward_top_n: many") + 1
    for answer in (
        server.request(
            "POST", "/v1/validate?name=mine.yaml", broken.encode(), {"Content-Type": "text/plain"}
        ),
        server.post_json("/v1/validate", {"text": broken, "name": "mine.yaml"}),
    ):
        assert answer.status == 200
        found = answer.json()
        assert found["valid"] is False
        # the value is wrong where it is set, and where the parent uses it
        [problem] = [p for p in found["problems"] if p["file"] == "mine.yaml"]
        assert (problem["file"], problem["line"], problem["column"]) == ("mine.yaml", line, 24)
        assert problem["field"] == "parameter_values.annual_reward_top_n"


def test_evaluate_json_rows_is_the_cli_report(server: Server, expected: bytes) -> None:
    answer = _evaluate(server, {"tables": _rows(), "label": "data"})
    assert answer.status == 200, answer.body[:500]
    assert answer.body == expected
    assert answer.headers["x-gridpolicing-rejected"] == "0"


@pytest.mark.parametrize("prefix", ["", "data/"], ids=["files", "folder"])
def test_evaluate_a_zip_of_the_csv_files_is_the_cli_report(
    server: Server, expected: bytes, prefix: str
) -> None:
    upload = ("data.zip", _zip(_csv_members(prefix)))
    fields = {"policy": SMALL_POLICY, "period": SMALL_PERIOD}
    answer = server.post_form("/v1/evaluate", fields, {"dataset": upload})
    assert answer.status == 200, answer.body[:500]
    assert answer.body == expected


@pytest.mark.parametrize("given", [f"{SMALL}/data", "ALLOWED/data", "data"])
def test_evaluate_an_allowed_path_is_the_cli_report(
    server: Server, expected: bytes, places: dict[str, Path], given: str
) -> None:
    path = given.replace("ALLOWED", str(places["allowed"]))
    answer = _evaluate(server, {"path": path})
    assert answer.status == 200, answer.body[:500]
    assert answer.body == expected


def test_evaluate_an_uploaded_dataset_document(server: Server, tmp_path: Path) -> None:
    document = tmp_path / "deployment.json"
    document.write_text(json.dumps(_rows(), ensure_ascii=False), encoding="utf-8")
    fields = {"policy": SMALL_POLICY, "period": SMALL_PERIOD}
    files = {"dataset": ("deployment.json", document.read_bytes())}
    answer = server.post_form("/v1/evaluate", fields, files)
    assert answer.status == 200, answer.body[:500]
    assert answer.body == cli_report(document)


def test_evaluate_a_policy_text_is_the_cli_report_of_that_file(
    server: Server, tmp_path: Path
) -> None:
    text = (ROOT / "policies" / f"{SMALL_POLICY}.yaml").read_text(encoding="utf-8")
    (tmp_path / "policy.yaml").write_text(text, encoding="utf-8")
    answer = _evaluate(
        server, {"path": f"{SMALL}/data"}, policy={"text": text, "name": "policy.yaml"}
    )
    assert answer.status == 200, answer.body[:500]
    assert answer.body == cli_report(SMALL_DATA, policy="policy.yaml", cwd=tmp_path)
    assert json.loads(answer.body)["policy"]["files"] == ["policy.yaml"]


def test_rejected_records_are_in_the_report(server: Server) -> None:
    rows = _rows()
    rows["units"][0]["type"] = "castle"
    answer = _evaluate(server, {"tables": rows, "label": "platform"})
    assert answer.status == 200
    rejected = answer.json()["dataset"]["rejected"]
    at = [(r["file"], r["row"], r["field"]) for r in rejected]
    assert ("units", 1, "type") in at  # named relative to the dataset, as a CSV file's are
    assert answer.headers["x-gridpolicing-rejected"] == str(len(rejected))


def _bomb() -> bytes:
    return _zip({"units.csv": b"id,type\n" + b"0" * (MAX_UNZIPPED_MB * 1024 * 1024 + 1)})


BAD: list[tuple[str, Any, int, str]] = [
    ("malformed-json", ("json", b'{"policy": "x",'), 400, "malformed JSON: .* line 1, column 16"),
    ("duplicate-key", ("json", b'{"period": "2022", "period": "2023"}'), 400, "duplicate key"),
    ("not-an-object", ("json", b"[1, 2]"), 400, "does not match its schema"),
    ("unknown-policy", ("eval", {"policy": "nowhere", "dataset": {"path": "x"}}), 404, "nowhere"),
    ("bad-period", ("eval", {"period": "March"}), 400, "period"),
    ("outside", ("eval", {"dataset": {"path": "/etc"}}), 403, "outside the directories"),
    ("dot-dot", ("eval", {"dataset": {"path": f"{SMALL}/../{SMALL}/data"}}), 403, "'..'"),
    ("link-out", ("eval", {"dataset": {"path": "link-out"}}), 403, "outside"),
    ("leaky", ("eval", {"dataset": {"path": "leaky"}}), 403, "holds a link leading outside"),
    ("missing", ("eval", {"dataset": {"path": "no-such-folder"}}), 404, "no dataset at"),
    ("unknown-table", ("eval", {"dataset": {"tables": {"castles": []}}}), 422, "in the dataset"),
    ("nested-value", ("eval", {"dataset": {"tables": {"units": [{"id": {}}]}}}), 422, "single"),
    ("policy-text", ("eval", {"policy": {"text": "id: x\nrules: 3\n"}}), 422, "in the policy"),
    ("zip-bomb", ("zip", _bomb()), 413, "once extracted"),
    ("zip-members", ("zip", _zip({f"{i}.csv": b"" for i in range(MAX_MEMBERS + 1)})), 413, "most"),
    ("zip-escape", ("zip", _zip({"../units.csv": b"id\n"})), 422, "unsafe name"),
    ("not-a-zip", ("zip", b"PK\x03\x04 but no zip"), 422, "not a readable zip"),
    ("media-type", ("raw", ("text/csv", b"id\n")), 415, "application/json or multipart"),
    ("method", ("method", "DELETE"), 405, "takes POST"),
    ("unknown-form-field", ("form", {"colour": "red"}), 400, "unknown form field 'colour'"),
]


@pytest.mark.parametrize(("case", "request_", "status", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_answered_4xx_and_the_server_keeps_serving(
    server: Server, case: str, request_: Any, status: int, message: str
) -> None:
    kind, value = request_
    if kind == "json":
        answer = server.request("POST", "/v1/evaluate", value, {"Content-Type": "application/json"})
    elif kind == "eval":
        body = {"policy": SMALL_POLICY, "period": SMALL_PERIOD, "dataset": {"path": "data"}}
        answer = server.post_json("/v1/evaluate", {**body, **value})
    elif kind == "zip":
        fields = {"policy": SMALL_POLICY, "period": SMALL_PERIOD}
        answer = server.post_form("/v1/evaluate", fields, {"dataset": ("data.zip", value)})
    elif kind == "form":
        fields = {"policy": SMALL_POLICY, "period": SMALL_PERIOD, **value}
        answer = server.post_form("/v1/evaluate", fields, {})
    elif kind == "raw":
        answer = server.request("POST", "/v1/evaluate", value[1], {"Content-Type": value[0]})
    else:
        answer = server.request(value, "/v1/evaluate")
    assert answer.status == status, answer.body[:500]
    error = answer.json()["error"]
    assert set(error) == {"code", "message", "problems"}
    shown = error["message"] + " " + " ".join(p["message"] for p in error["problems"])
    assert re.search(message, shown), shown
    assert "Traceback" not in answer.body.decode()
    assert str(ROOT) not in answer.body.decode()  # no server folder is shown to a client
    assert "gridpolicing-" not in answer.body.decode()  # nor the upload's temporary one
    assert server.healthy()


def test_problems_of_a_policy_text_have_line_and_column(server: Server) -> None:
    text = "id: x\njurisdiction: 区\ntitle: {zh: 区, en: x}\nrules:\n  - kind: castle\n"
    answer = _evaluate(server, {"path": "data"}, policy={"text": text, "name": "mine.yaml"})
    assert answer.status == 422
    [problem] = answer.json()["error"]["problems"]
    assert (problem["file"], problem["line"], problem["column"]) == ("mine.yaml", 5, 11)


def test_a_body_over_the_limit_is_refused_unread(server: Server) -> None:
    declared = str(MAX_BODY_MB * 1024 * 1024 + 1)
    headers = {"Content-Type": "application/json", "Content-Length": declared}
    answer = server.request("POST", "/v1/evaluate", b"", headers)  # the body is never sent
    assert answer.status == 413
    assert "larger than this server's limit" in answer.json()["error"]["message"]
    assert server.healthy()


def test_a_streamed_body_over_the_limit_is_cut_off(server: Server) -> None:
    chunk = b" " * (1024 * 1024)

    def chunks() -> Iterator[bytes]:
        for _ in range(MAX_BODY_MB + 2):
            yield chunk

    try:
        headers = {"Content-Type": "application/json", "X-Request-ID": "streamed"}
        answer = server.request("POST", "/v1/evaluate", chunks(), headers)
    except (BrokenPipeError, ConnectionResetError):
        answer = None  # the server answered and closed while the rest was still being sent
    if answer is not None:
        assert answer.status == 413
    line = server.wait_for("access", request_id="streamed")
    assert line["status"] == 413
    # read up to the limit and a chunk past it, not the whole stream
    assert MAX_BODY_MB * 1024 * 1024 < line["bytes_in"] <= (MAX_BODY_MB + 1) * 1024 * 1024
    assert server.healthy()


def test_every_request_is_one_json_access_line(server: Server) -> None:
    body = json.dumps({"text": "id: x\n"}).encode()
    answer = server.request(
        "POST",
        "/v1/validate",
        body,
        {"Content-Type": "application/json", "X-Request-ID": "req-42.a"},
    )
    assert answer.headers["x-request-id"] == "req-42.a"
    line = server.wait_for("access", request_id="req-42.a")
    assert set(line) == {
        "time",
        "event",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
        "bytes_in",
        "bytes_out",
        "client",
    }
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    assert (line["method"], line["path"], line["status"]) == ("POST", "/v1/validate", 200)
    assert (line["bytes_in"], line["bytes_out"]) == (len(body), len(answer.body))
    assert line["client"] == "127.0.0.1"
    assert isinstance(line["duration_ms"], float)
    # An id that is not a plain token is replaced, never echoed into the log as given.
    odd = server.get("/v1/health", headers={"X-Request-ID": "a b\tc"})
    assert re.fullmatch(r"[0-9a-f]{32}", odd.headers["x-request-id"])
    # uvicorn's own access log is off: every line on stderr is one of ours, as JSON.
    for raw in server.lines:
        assert json.loads(raw)["event"] in {"listening", "access"}, raw


def test_the_openapi_document_is_served_and_published(server: Server) -> None:
    answer = server.get("/openapi.json")
    assert answer.status == 200
    published = json.loads((ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8"))
    assert answer.json() == published


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_the_allowed_copy_is_found_relative_to_each_root(places: dict[str, Path]) -> None:
    from gridpolicing.service.datasets import allowed_path

    roots = ((ROOT / "examples").resolve(), places["allowed"].resolve())
    assert allowed_path("data", roots) == places["allowed"].resolve() / "data"
    assert allowed_path(f"{SMALL}/data", roots) == SMALL_DATA.resolve()


def test_answers_match_the_published_schemas(server: Server) -> None:
    from jsonschema import Draft202012Validator

    doc = json.loads((ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8"))

    def check(answer: Any, model: str) -> None:
        schema = {"$ref": f"#/components/schemas/{model}", "components": doc["components"]}
        errors = list(Draft202012Validator(schema).iter_errors(answer.json()))
        assert not errors, [e.message for e in errors[:3]]

    check(server.get("/v1/health"), "Health")
    check(server.get("/v1/policies"), "PolicyList")
    check(server.get(f"/v1/policies/{SMALL_POLICY}"), "PolicyDetail")
    check(server.post_json("/v1/validate", {"text": "id: x\n"}), "ValidateResponse")
    check(server.get("/v1/policies/nowhere"), "ErrorResponse")
    check(_evaluate(server, {"path": "data"}), "ReportBody")
    check(_evaluate(server, {"path": "/etc"}), "ErrorResponse")


@pytest.mark.parametrize("chinese", [False, True], ids=["table-names", "chinese-names"])
def test_evaluate_an_uploaded_workbook_has_the_csv_findings(
    server: Server, tmp_path: Path, chinese: bool
) -> None:
    import gridpolicing
    from tests.io.workbooks import used_tables, write_workbook

    with gridpolicing.load_dataset(SMALL_DATA) as data:
        tables = used_tables(data)
    book = write_workbook(tmp_path / "deployment.xlsx", tables, chinese=chinese)
    fields = {"policy": SMALL_POLICY, "period": SMALL_PERIOD}
    files = {"dataset": ("deployment.xlsx", book.read_bytes())}
    answer = server.post_form("/v1/evaluate", fields, files)
    assert answer.status == 200, answer.body[:500]
    assert answer.headers["x-gridpolicing-rejected"] == "0"
    got, want = json.loads(answer.body), json.loads(cli_report(SMALL_DATA))
    assert got["findings"] == want["findings"]
    assert got["summary"] == want["summary"]
    # a broken cell is a rejected record naming the sheet, row and column, not a 500
    broken = tmp_path / "broken.xlsx"
    units = tables["units"]
    units[-1]["type"] = "no-such-type"
    write_workbook(broken, tables, chinese=chinese)
    files = {"dataset": ("broken.xlsx", broken.read_bytes())}
    answer = server.post_form("/v1/evaluate", fields, files)
    assert answer.status == 200, answer.body[:500]
    rejected = json.loads(answer.body)["dataset"]["rejected"]
    sheet = "broken.xlsx[单位]" if chinese else "broken.xlsx[units]"
    [unit] = [r for r in rejected if r["id"] == units[-1]["id"] and r["field"] == "type"]
    assert (unit["file"], unit["row"]) == (sheet, len(units) + 1)  # the header is row 1
