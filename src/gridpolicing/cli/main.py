"""The ``gridpolicing`` command: ``main(argv) -> exit code``.

Exit codes: 0 ok; 1 invalid input or a failed check; 2 usage error; 3 internal error (our bug).
"""

from __future__ import annotations

import errno
import sys
import traceback
from collections.abc import Sequence
from typing import Final

import click
import duckdb

from gridpolicing.cli import demo, evaluate, explain, render, schema, serve, synth, validate, watch
from gridpolicing.cli import test as test_command
from gridpolicing.errors import GridPolicingError, UsageError

__all__ = ["EXIT_FAILED", "EXIT_INTERNAL", "EXIT_OK", "EXIT_USAGE", "console_main", "main"]

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_USAGE: Final = 2
EXIT_INTERNAL: Final = 3

_BUG = (
    "gridpolicing: internal error (this is a bug in gridpolicing, not in your files).\n"
    "Please report it with the command you ran and the text below.\n"
)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(package_name="gridpolicing")
def cli() -> None:
    """Check community-policing deployments against executable YAML policies.

    \b
    Exit codes: 0 ok, 1 invalid input or failed check, 2 usage error, 3 internal error.
    """


for _command in (
    validate.command,
    test_command.command,
    evaluate.command,
    explain.command,
    render.command,
    watch.command,
    synth.command,
    schema.command,
    serve.command,
    demo.command,
):
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="gridpolicing", standalone_mode=False)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return EXIT_FAILED
    except click.UsageError as exc:
        exc.show()
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return EXIT_FAILED
    except UsageError as exc:
        click.echo(f"gridpolicing: {exc}", err=True)
        return EXIT_USAGE
    except GridPolicingError as exc:
        click.echo(str(exc), err=True)
        return EXIT_FAILED
    # The machine, not gridpolicing, failed: say what to change, without a traceback.
    except (MemoryError, duckdb.OutOfMemoryException) as exc:
        detail = _first_line(exc) if str(exc) else "no memory left"
        click.echo(
            f"gridpolicing: out of memory ({detail}); evaluate a shorter period or a smaller "
            "dataset, or free memory",
            err=True,
        )
        return EXIT_FAILED
    except OSError as exc:  # a missing folder, a full disk (click handles a closed pipe)
        click.echo(f"gridpolicing: {_os_message(exc)}", err=True)
        return EXIT_FAILED
    except duckdb.IOException as exc:  # DuckDB's own files (spilling to disk), not the input
        click.echo(f"gridpolicing: {_first_line(exc)}", err=True)
        return EXIT_FAILED
    except Exception:
        click.echo(_BUG + traceback.format_exc(), err=True)
        return EXIT_INTERNAL
    return int(result or 0)


def _os_message(exc: OSError) -> str:
    where = f"{exc.filename}: " if exc.filename else ""
    reason = exc.strerror or _first_line(exc)
    if exc.errno == errno.ENOSPC:
        reason += " (the disk is full)"
    return where + reason


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def console_main() -> None:
    """Entry point of the console script."""
    sys.exit(main())
