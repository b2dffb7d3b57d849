"""``gridpolicing schema``: write, or check, the published JSON Schemas."""

from __future__ import annotations

from pathlib import Path

import click

from gridpolicing.cli._common import lang_option, registry
from gridpolicing.i18n import translator
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
@lang_option
def command(check: bool, out_dir: str | None, lang: str) -> int:
    """Write schemas/policy.schema.json, schemas/dataset.schema.json and (with the service
    extra) schemas/openapi.json from the models."""
    _ = translator(lang)
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
            click.echo(_("wrote {path}", path=path))
    if stale:
        names = ", ".join(stale)
        stale_line = _(
            "stale schema(s) in {folder}: {names}; run `gridpolicing schema`",
            folder=target,
            names=names,
        )
        click.echo(stale_line, err=True)
        return 1
    if check:
        click.echo(_("schemas in {folder} are current", folder=target))
    return 0
