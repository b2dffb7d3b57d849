"""``gridpolicing render POLICY``: a readable document of a policy."""

from __future__ import annotations

import click

from gridpolicing.cli._common import lang_option, registry, write_output
from gridpolicing.policy.loader import load_policy
from gridpolicing.policy.render import render_policy

__all__ = ["command"]


@click.command("render")
@click.argument("policy_ref", metavar="POLICY")
@lang_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "html"]),
    default="markdown",
    show_default=True,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write here instead of stdout",
)
def command(policy_ref: str, lang: str, fmt: str, output: str | None) -> int:
    """Render POLICY (an id or a file) as Markdown or HTML: rules by kind, with citations."""
    policy = load_policy(policy_ref, registry=registry(), allow_template=True)
    text = render_policy(policy, lang=lang, fmt=fmt)
    if output:
        write_output(output, text.encode("utf-8"))
    else:
        click.echo(text, nl=False)
    return 0
