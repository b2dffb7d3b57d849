"""``gridpolicing schema``: write, or check, the published JSON Schemas."""

from __future__ import annotations

from pathlib import Path

import click

from gridpolicing.cli._common import registry
from gridpolicing.io.dataset_schema import dataset_json_schema
from gridpolicing.policy.resources import bundled_dir
from gridpolicing.policy.schema import policy_json_schema, schema_text

__all__ = ["command", "expected_schemas"]


def expected_schemas() -> dict[str, str]:
    """File name -> text of every schema as the code generates it now.

    The service's OpenAPI document is among them when the service extra is installed (it is
    in the test extra, so ``make test`` checks it); without it, it is neither written nor checked.
    """
    schemas = {
        "policy.schema.json": schema_text(policy_json_schema(registry())),
        "dataset.schema.json": schema_text(dataset_json_schema()),
    }
    try:
        from gridpolicing.service import openapi_text
    except ImportError:
        return schemas
    schemas["openapi.json"] = openapi_text()
    return schemas


@click.command("schema")
@click.option("--check", is_flag=True, help="Exit 1 if the files differ from the models")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Directory to write to (default: the project's schemas/)",
)
def command(check: bool, out_dir: str | None) -> int:
    """Write schemas/policy.schema.json, schemas/dataset.schema.json and (with the service
    extra) schemas/openapi.json from the models."""
    target = Path(out_dir) if out_dir else bundled_dir("schemas")
    stale = []
    for name, text in expected_schemas().items():
        path = target / name
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        if check:
            stale.append(name)
        else:
            target.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            click.echo(f"wrote {path}")
    if stale:
        click.echo(
            f"stale schema(s) in {target}: {', '.join(stale)}; run `gridpolicing schema`", err=True
        )
        return 1
    if check:
        click.echo(f"schemas in {target} are current")
    return 0
