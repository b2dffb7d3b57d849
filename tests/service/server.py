"""A real ``gridpolicing serve`` in a subprocess on a free port, and plain HTTP calls to it."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SMALL = "xindu-2022-before"
"""The small example (three CSV files) every evaluation test uses."""
SMALL_DATA = ROOT / "examples" / SMALL / "data"
SMALL_POLICY = "chengdu-xindu-2022"
SMALL_PERIOD = "2022-01"


@dataclass
class Answer:
    """A response: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Server:
    """``python -m gridpolicing serve --port 0 ARGS`` until :meth:`stop`; its stderr lines kept."""

    def __init__(self, *args: str, cwd: Path = ROOT) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gridpolicing", "serve", "--port", "0", *args],
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            env=env,
        )
        self.lines: list[str] = []
        self._ready = threading.Event()
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()
        if not self._ready.wait(60):
            self.stop()
            raise RuntimeError("the server did not start:\n" + "".join(self.lines))
        first = json.loads(self.lines[0])
        url = urllib.parse.urlsplit(first["url"])
        self.host, self.port = str(url.hostname), int(url.port or 0)
        self.url = first["url"]

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:  # drained always, so the server never blocks on a full pipe
            self.lines.append(line)
            if '"event": "listening"' in line:
                self._ready.set()
        self._ready.set()

    def events(self, event: str) -> list[dict[str, Any]]:
        """The JSON log lines of ``event`` so far."""
        out = []
        for line in list(self.lines):
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if isinstance(record, dict) and record.get("event") == event:
                out.append(record)
        return out

    def wait_for(self, event: str, timeout: float = 10, **fields: Any) -> dict[str, Any]:
        """The first log line of ``event`` with ``fields``, waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for record in self.events(event):
                if all(record.get(k) == v for k, v in fields.items()):
                    return record
            time.sleep(0.02)
        raise AssertionError(f"no {event} line with {fields} in:\n" + "".join(self.lines))

    def request(
        self,
        method: str,
        path: str,
        body: bytes | Iterable[bytes] | None = None,
        headers: Mapping[str, str] | None = None,
        *,
        timeout: float = 60,
    ) -> Answer:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            chunked = body is not None and not isinstance(body, bytes)
            given = dict(headers or {})
            conn.request(method, path, body=body, headers=given, encode_chunked=chunked)
            response = conn.getresponse()
            data = response.read()
            names = {k.lower(): v for k, v in response.getheaders()}
            return Answer(response.status, names, data)
        finally:
            conn.close()

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.request("GET", path, **kwargs)

    def post_json(self, path: str, data: Any, headers: Mapping[str, str] | None = None) -> Answer:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        return self.request(
            "POST", path, body, {"Content-Type": "application/json", **(headers or {})}
        )

    def post_form(
        self, path: str, fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes]]
    ) -> Answer:
        body, ctype = multipart(fields, files)
        return self.request("POST", path, body, {"Content-Type": ctype})

    def healthy(self) -> bool:
        answer = self.get("/v1/health")
        return answer.status == 200 and answer.json()["status"] == "ok"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # this test's own child, by its handle
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._drainer.join(10)
        if self.proc.stderr is not None:
            self.proc.stderr.close()


def multipart(
    fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes]]
) -> tuple[bytes, str]:
    """A multipart/form-data body and its Content-Type."""
    boundary = "gridpolicing-test-boundary-7d1f"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
            + value.encode("utf-8")
            + b"\r\n"
        )
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def cli_report(data: Path, *args: str, policy: str = SMALL_POLICY, cwd: Path = ROOT) -> bytes:
    """What ``gridpolicing evaluate --format json`` writes for the small example's period."""
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "gridpolicing",
            "evaluate",
            "--policy",
            policy,
            "--data",
            str(data),
            "--period",
            SMALL_PERIOD,
            "--format",
            "json",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        check=False,
    )
    assert out.returncode in (0, 1), out.stderr.decode()
    return out.stdout
