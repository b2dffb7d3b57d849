"""``gridpolicing serve``: the HTTP service (the service extra), on uvicorn."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import click

from gridpolicing.errors import UsageError

__all__ = ["command"]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="The address to listen on")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="0: any free"
)
@click.option(
    "--allow-path",
    "allow_paths",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A directory whose datasets clients may name by path (repeatable; none by default)",
)
@click.option(
    "--policy-path",
    "policy_path",
    multiple=True,
    type=click.Path(exists=True, file_okay=False),
    help="A directory where extends in a client's policy may find a parent (repeatable)",
)
@click.option(
    "--max-body-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=64,
    show_default=True,
    help="The largest request body; a bigger one is answered 413 unread",
)
@click.option(
    "--timeout-s",
    type=click.FloatRange(min=0, min_open=True),
    default=60,
    show_default=True,
    help="How long one evaluation may take; then it is stopped and answered 504",
)
@click.option(
    "--max-concurrent",
    type=click.IntRange(min=1),
    default=2,
    show_default=True,
    help="Evaluations at once; one more is answered 503 with Retry-After",
)
@click.option(
    "--max-unzipped-mb",
    type=click.FloatRange(min=0, min_open=True),
    default=512,
    show_default=True,
    help="What an uploaded zip may hold once extracted",
)
@click.option(
    "--max-zip-members",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="The most members an uploaded zip may hold",
)
def command(
    host: str,
    port: int,
    allow_paths: tuple[str, ...],
    policy_path: tuple[str, ...],
    max_body_mb: float,
    timeout_s: float,
    max_concurrent: int,
    max_unzipped_mb: float,
    max_zip_members: int,
) -> int:
    """Serve the HTTP API (docs/service.md) until stopped (Ctrl-C or SIGTERM).

    One JSON line per request is logged on stderr. There is no authentication: put the
    service behind the platform's gateway.
    """
    try:
        import uvicorn

        from gridpolicing.service import Settings, create_app
        from gridpolicing.service.gate import Log
        from gridpolicing.service.settings import MIB
    except ImportError as exc:
        raise UsageError(
            f"gridpolicing serve needs the service extra ({exc}): "
            "install gridpolicing[service] (pip install 'gridpolicing[service]')"
        ) from None
    settings = Settings(
        allow_paths=tuple(Path(p) for p in allow_paths),
        policy_path=tuple(Path(p) for p in policy_path),
        max_body_bytes=int(max_body_mb * MIB),
        timeout_s=timeout_s,
        max_concurrent=max_concurrent,
        max_unzipped_bytes=int(max_unzipped_mb * MIB),
        max_zip_members=max_zip_members,
    )
    app = create_app(settings)
    # Bound here, not by uvicorn, so the port (any free one with --port 0) is known and logged.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(2048)  # connections wait in the backlog until uvicorn accepts them
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    Log().write("listening", url=f"http://{shown}:{bound}", pid=os.getpid())
    config = uvicorn.Config(app, access_log=False, log_level="warning", lifespan="on")
    uvicorn.Server(config).run(sockets=[sock])
    return 0
