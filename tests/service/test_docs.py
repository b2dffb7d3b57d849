"""docs/service.md stays true: its curl examples run against a real server, answers compared.

Every ``sh`` block that calls curl is run, in order, in one folder where ``examples`` and
``policies`` are the checkout's, against a server started as the doc says
(``gridpolicing serve --allow-path examples``); a ``text`` block right after is its output.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.service.server import ROOT, Server

DOC = ROOT / "docs" / "service.md"
BASE = "http://127.0.0.1:8000"


def _examples() -> list[tuple[str, str | None]]:
    """(sh block, the text block after it or None) of each curl example, in order."""
    blocks = [
        (m.group(1), m.group(2), m.end())
        for m in re.finditer(r"```(\w*)\n(.*?)```\n", DOC.read_text(encoding="utf-8"), re.S)
    ]
    out = []
    for i, (lang, body, _) in enumerate(blocks):
        if lang != "sh" or "curl " not in body:
            continue
        after = blocks[i + 1] if i + 1 < len(blocks) else None
        out.append((body, after[1] if after and after[0] == "text" else None))
    return out


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server("--allow-path", "examples")
    yield running
    running.stop()


def test_the_doc_calls_every_endpoint() -> None:
    called = " ".join(body for body, _ in _examples())
    for endpoint in ("/v1/health", "/v1/policies", "/v1/validate", "/v1/evaluate"):
        assert endpoint in called, endpoint


@pytest.mark.skipif(shutil.which("curl") is None, reason="the examples are curl commands")
def test_the_curl_examples_answer_as_documented(server: Server, tmp_path: Path) -> None:
    for name in ("examples", "policies"):
        (tmp_path / name).symlink_to(ROOT / name, target_is_directory=True)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for body, expected in _examples():
        script = "set -e\n" + body.replace(BASE, server.url)
        done = subprocess.run(
            ["sh", "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{body}\n{done.stdout}\n{done.stderr}"
        if expected is not None:
            assert done.stdout.strip() == expected.strip(), body
