"""Problems and failed cases as CI systems show them: SARIF 2.1.0 and GitHub workflow commands.

``gridpolicing validate`` and ``gridpolicing test`` turn what they found into
:class:`Annotation` s, one per problem or failed case, at the file, line and column a person
goes to; this module writes them in the two formats code hosts read: SARIF (GitHub code
scanning, GitLab, Azure DevOps, editors) and GitHub Actions' ``::error`` lines, which put a note
on the changed line of a pull request.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import Final, final

from gridpolicing.errors import Problem

__all__ = ["RULES", "Annotation", "from_problem", "github", "sarif"]

RULES: Final = {
    "invalid-policy": "A policy file does not match the policy language",
    "test-failed": "A policy test case did not find what it expects",
    "test-problem": "A policy test file cannot run, or does not cover every rule",
}
"""The kinds of annotation, as SARIF rule ids, with their descriptions."""

_INFO_URI: Final = "https://github.com/gridpolicing/gridpolicing"


@final
@dataclass(frozen=True, slots=True)
class Annotation:
    """One thing to show at a place: ``kind`` is a key of :data:`RULES`."""

    kind: str
    file: str
    line: int | None
    column: int | None
    message: str


def from_problem(kind: str, problem: Problem) -> Annotation:
    """The annotation of a problem of a policy or test file (its path leads the message)."""
    message = f"{problem.path}: {problem.message}" if problem.path else problem.message
    return Annotation(kind, problem.file, problem.line, problem.column, message)


def _uri(file: str) -> str:
    """A relative path with forward slashes (as code hosts match them to the repository)."""
    path = PurePath(file)
    return path.as_uri() if path.is_absolute() else path.as_posix()


def sarif(annotations: Sequence[Annotation], version: str) -> str:
    """A SARIF 2.1.0 log of one run of gridpolicing, every annotation an error result."""
    results = []
    for a in annotations:
        region: dict[str, int] = {}
        if a.line is not None:
            region["startLine"] = a.line
            if a.column is not None:
                region["startColumn"] = a.column
        location: dict[str, object] = {"artifactLocation": {"uri": _uri(a.file)}}
        if region:
            location["region"] = region
        results.append(
            {
                "ruleId": a.kind,
                "level": "error",
                "message": {"text": a.message},
                "locations": [{"physicalLocation": location}],
            }
        )
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "gridpolicing",
                        "version": version,
                        "informationUri": _INFO_URI,
                        "rules": [
                            {"id": k, "shortDescription": {"text": v}} for k, v in RULES.items()
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)


def github(annotations: Iterable[Annotation]) -> str:
    """GitHub Actions workflow commands: one ``::error file=...,line=...::message`` per line."""
    lines = []
    for a in annotations:
        props = [f"file={_property(a.file)}"]
        if a.line is not None:
            props.append(f"line={a.line}")
            if a.column is not None:
                props.append(f"col={a.column}")
        props.append(f"title={_property('gridpolicing ' + a.kind)}")
        lines.append(f"::error {','.join(props)}::{_data(a.message)}")
    return "\n".join(lines)


def _data(text: str) -> str:
    """Escaped as GitHub's runner unescapes a command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """Escaped as GitHub's runner unescapes a command's property."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")
