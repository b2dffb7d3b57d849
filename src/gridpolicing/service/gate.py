"""The gate every request passes: its id, the body limit, the access log and the last resort.

One ASGI middleware, outermost, so that what it logs is what the client got:

* ``X-Request-ID``: the client's own when it is a plain token, else a new one; echoed on the
  answer and written on every log line of the request.
* The body limit: a ``Content-Length`` over the limit is answered 413 before a byte is read;
  a body without one (chunked) is counted as it streams and answered 413 once it passes the
  limit. The routes then read the body from memory.
* One JSON line per request on the log stream: time, request id, method, path, status,
  duration, bytes in and out, client.
* An exception no handler took is our bug: its traceback is logged (never sent) and the client
  gets a 500 JSON error with the request id.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Final, TextIO, final

from gridpolicing.service.errors import error_response

__all__ = ["Gate", "Log"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

_REQUEST_ID: Final = re.compile(r"[A-Za-z0-9._:-]{1,128}")


@final
class Log:
    """JSON lines on a text stream (standard error by default), one write per line."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream
        self._lock = threading.Lock()  # evaluations log from worker threads too

    def write(self, event: str, **fields: Any) -> None:
        """Write one line: the time (UTC), the event and ``fields``."""
        now = dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        line = json.dumps({"time": now, "event": event, **fields}, ensure_ascii=False)
        stream = self._stream if self._stream is not None else sys.stderr
        with self._lock:
            stream.write(line + "\n")
            stream.flush()


@final
class Gate:
    """The outermost middleware: request id, body limit, access log, 500 for a bug."""

    def __init__(self, app: App, *, max_body: int, log: Log) -> None:
        self.app = app
        self.max_body = max_body
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("x-request-id", "")
        request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        answer = _Answer(send, request_id)
        bytes_in = 0
        try:
            body, bytes_in, refusal = await self._read(headers, receive)
            if refusal is not None:
                status, message = refusal
                await error_response(status, message)(scope, receive, answer.send)
                return
            await self.app(scope, _replay(body, receive), answer.send)
        except Exception:
            self.log.write(
                "error",
                request_id=request_id,
                method=scope.get("method"),
                path=scope.get("path"),
                traceback=traceback.format_exc(),
            )
            if not answer.started:
                message = f"internal error (a bug in gridpolicing); request id {request_id}"
                await error_response(500, message)(scope, receive, answer.send)
        finally:
            client = scope.get("client")
            self.log.write(
                "access",
                request_id=request_id,
                method=scope.get("method"),
                path=scope.get("path"),
                status=answer.status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
                bytes_in=bytes_in,
                bytes_out=answer.bytes_out,
                client=client[0] if client else None,
            )

    async def _read(
        self, headers: dict[str, str], receive: Receive
    ) -> tuple[bytes, int, tuple[int, str] | None]:
        """The whole body, its size, and why it is refused (status, message) if it is."""
        limit = f"the request body is larger than this server's limit of {self.max_body:,} bytes"
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                return b"", 0, (400, f"Content-Length {declared!r} is not a number of bytes")
            if int(declared) > self.max_body:
                return b"", 0, (413, limit)  # refused unread
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return b"", size, (413, limit)  # stop reading a stream that lied or had no length
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks), size, None


@final
class _Answer:
    """Wraps ``send``: adds the request id header, notes the status and counts the bytes."""

    def __init__(self, send: Send, request_id: str) -> None:
        self._send = send
        self._id = request_id.encode("latin-1")
        self.status: int | None = None
        self.bytes_out = 0
        self.started = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
            self.status = int(message["status"])
            message["headers"] = [*message.get("headers", []), (b"x-request-id", self._id)]
        elif message["type"] == "http.response.body":
            self.bytes_out += len(message.get("body", b""))
        await self._send(message)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives the body read already, then waits for the client as before."""
    given = False

    async def replay() -> Message:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
