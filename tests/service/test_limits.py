"""Limits and last resorts: a tiny --timeout-s, a bug answered 500, serve without the extra.

The timeout server is its own (its every evaluation times out). The bug is a route added to an
app from create_app, served by uvicorn in a thread.
"""

from __future__ import annotations

import http.client
import io
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import duckdb
import pytest
import uvicorn

from gridpolicing.service import Settings, create_app
from tests.service.server import ROOT, SMALL, SMALL_PERIOD, SMALL_POLICY, Server


@pytest.fixture(scope="module")
def hurried() -> Iterator[Server]:
    running = Server("--allow-path", "examples", "--timeout-s", "0.05", "--max-concurrent", "1")
    yield running
    running.stop()


def test_a_timeout_is_504_and_frees_the_worker(hurried: Server) -> None:
    body = {"policy": SMALL_POLICY, "period": SMALL_PERIOD, "dataset": {"path": f"{SMALL}/data"}}
    for attempt in range(2):  # the second one is not refused as busy: the first freed its slot
        answer = hurried.post_json("/v1/evaluate", body, {"X-Request-ID": f"late-{attempt}"})
        assert answer.status == 504, answer.body
        error = answer.json()["error"]
        assert error["code"] == "timeout"
        assert "longer than this server's limit of 0.05 s" in error["message"]
        assert hurried.healthy()
        stopped = hurried.wait_for("evaluation_stopped", request_id=f"late-{attempt}")
        assert stopped["after_ms"] < 10_000
        deadline = time.monotonic() + 10
        while hurried.get("/v1/health").json()["running"] and time.monotonic() < deadline:
            time.sleep(0.02)
        assert hurried.get("/v1/health").json()["running"] == 0


def test_a_bug_is_a_500_with_the_traceback_only_in_the_log() -> None:
    log = io.StringIO()
    app = create_app(Settings(stream=log))

    @app.get("/v1/boom")
    async def boom() -> None:
        raise ZeroDivisionError("a bug in a route")

    @app.get("/v1/full")
    async def full() -> None:
        raise duckdb.OutOfMemoryException("Out of Memory Error: could not allocate")

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_level="critical"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.01)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", "/v1/boom", headers={"X-Request-ID": "bug-1"})
        response = conn.getresponse()
        body = response.read()
        conn.request("GET", "/v1/full")
        full_response = conn.getresponse()
        full_body = json.loads(full_response.read())
        conn.close()
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
    assert response.status == 500
    error = json.loads(body)["error"]
    assert error["code"] == "internal"
    assert "bug-1" in error["message"]
    assert b"Traceback" not in body
    assert b"ZeroDivisionError" not in body
    lines = [json.loads(line) for line in log.getvalue().splitlines()]
    [logged] = [line for line in lines if line["event"] == "error"]
    assert logged["request_id"] == "bug-1"
    assert "ZeroDivisionError: a bug in a route" in logged["traceback"]
    access = [line["status"] for line in lines if line["event"] == "access"]
    assert access == [500, 503]
    # The machine ran out, not gridpolicing: what to change, and no traceback logged for it.
    assert full_response.status == 503
    assert full_body["error"]["message"].startswith("out of memory; evaluate a shorter period")


def test_serve_without_the_service_extra_exits_2() -> None:
    hide = (
        "import sys; sys.modules['uvicorn'] = None; sys.modules['fastapi'] = None\n"
        "from gridpolicing.cli.main import main\n"
        "sys.exit(main(['serve', '--port', '0']))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", hide], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert "install gridpolicing[service]" in done.stderr
    assert "Traceback" not in done.stderr
