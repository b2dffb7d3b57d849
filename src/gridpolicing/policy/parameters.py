"""Resolve a policy chain's parameters: declarations, values, defaults, and what is wrong with them.

A template declares parameters (``parameters:``); a policy extending it supplies their values
(``parameter_values:``). Every check is made here, once, before any rule sees a value, so a
mistake is reported where it was written (the value in the instantiation, the declaration in
the template), not as a rule that can never pass:

- a value of the wrong type, or below the declared ``minimum``;
- a value for a parameter no file of the chain declares;
- a required parameter left without a value, in a policy that is not itself a template (it
  declares none of the parameters left unset): an instantiation must set them all;
- the lower end of a range above its upper end (a declaration's ``at_most`` names the
  parameter its value may not exceed), which would make a rule that no unit can keep.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, final

from gridpolicing.errors import Problem
from gridpolicing.policy.document import DocumentBase
from gridpolicing.policy.models import ParameterDecl
from gridpolicing.policy.places import problem_at
from gridpolicing.policy.yamlsrc import YamlSource

__all__ = ["Parameters", "resolve_parameters", "stand_in"]

_PARAMETER_TYPES: dict[str, tuple[type, ...]] = {
    "number": (int, float),
    "integer": (int,),
    "string": (str,),
    "boolean": (bool,),
}

_Place = tuple[YamlSource, tuple[str | int, ...]]


@final
@dataclass(slots=True)
class Parameters:
    """The chain's parameters once resolved.

    ``values`` holds the values set and the defaults of those left unset; ``missing`` the
    required parameters with neither, sorted; ``problems`` every defect found.
    """

    decls: dict[str, ParameterDecl] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def resolve_parameters(
    chain: Sequence[tuple[YamlSource, DocumentBase]], *, allow_template: bool
) -> Parameters:
    """Collect the declarations and values of ``chain`` (root first) and check them.

    With ``allow_template`` a policy may leave parameters unset only when it is a template: it
    declares at least one of them itself. Without it, every parameter needs a value.
    """
    out = Parameters()
    declared_in: dict[str, YamlSource] = {}
    set_at: dict[str, _Place] = {}
    for source, doc in chain:
        for name, value in doc.parameter_values.items():
            at: tuple[str | int, ...] = ("parameter_values", name)
            if name not in out.decls:
                message = f"unknown parameter {name!r}; expected one of: {_listing(out.decls)}"
                out.problems.append(problem_at(source, at, message))
            elif (wrong := parameter_problem(out.decls[name], value)) is not None:
                out.problems.append(problem_at(source, at, wrong))
            out.values[name] = value
            set_at[name] = (source, at)
        for name, decl in doc.parameters.items():
            if decl.default is not None:
                at = ("parameters", name, "default")
                if (wrong := parameter_problem(decl, decl.default)) is not None:
                    out.problems.append(problem_at(source, at, wrong))
                set_at.setdefault(name, (source, at))
            declared_in[name] = source
        out.decls.update(doc.parameters)
    for name, decl in out.decls.items():
        if name not in out.values and decl.default is not None:
            out.values[name] = decl.default
    out.missing = sorted(n for n in out.decls if n not in out.values)
    leaf_source, leaf = chain[-1]
    # A template is the file that declares what it leaves open; a file that only extends one
    # (declaring none of the unset parameters) is an instantiation, and must set them all.
    is_template = any(n in leaf.parameters for n in out.missing)
    if out.missing and not (allow_template and is_template):
        out.problems.append(_missing_problem(leaf_source, out.missing, declared_in))
    out.problems.extend(_range_problems(out, declared_in, set_at))
    return out


def stand_in(decl: ParameterDecl) -> Any:
    """A value of the declared type (at its minimum) to check a template's structure with."""
    if decl.type == "boolean":
        return False
    if decl.type == "string":
        return "x"
    low = decl.minimum if decl.minimum is not None else 1
    return math.ceil(low) if decl.type == "integer" else float(low)


def parameter_problem(decl: ParameterDecl, value: Any) -> str | None:
    """Why ``value`` does not suit ``decl`` (its type and minimum), or None."""
    types = _PARAMETER_TYPES[decl.type]
    if (isinstance(value, bool) and decl.type != "boolean") or not isinstance(value, types):
        return f"expected {'an' if decl.type == 'integer' else 'a'} {decl.type}, found {value!r}"
    if decl.minimum is not None and isinstance(value, int | float) and value < decl.minimum:
        return f"expected a {decl.type} >= {decl.minimum:g}, found {value!r}"
    return None


def _missing_problem(
    leaf: YamlSource, missing: list[str], declared_in: dict[str, YamlSource]
) -> Problem:
    """The leaf's missing values, placed at its ``parameter_values`` (else its ``extends``)."""
    key = "parameter_values" if "parameter_values" in leaf.data else "extends"
    line, col = leaf.positions.of_value((key,)) or (1, 1)
    where = sorted({declared_in[n].file for n in missing if declared_in[n] is not leaf})
    by = f" (declared in {', '.join(where)})" if where else ""
    return Problem(
        leaf.file,
        line,
        col,
        "parameter_values",
        f"missing values for required parameters: {', '.join(missing)}{by}; "
        "expected a value for each under parameter_values",
    )


def _range_problems(
    params: Parameters, declared_in: dict[str, YamlSource], set_at: dict[str, _Place]
) -> list[Problem]:
    """Each ``at_most`` that names no numeric parameter, or whose values are out of order."""
    problems: list[Problem] = []
    for name, decl in params.decls.items():
        upper = decl.at_most
        if upper is None:
            continue
        if upper not in params.decls or upper == name:
            others = _listing(n for n in params.decls if n != name)
            message = f"unknown parameter {upper!r} in at_most; expected one of: {others}"
            problems.append(problem_at(declared_in[name], ("parameters", name, "at_most"), message))
            continue
        numeric = {"number", "integer"}
        if decl.type not in numeric or params.decls[upper].type not in numeric:
            message = f"at_most relates numbers; {name!r} and {upper!r} must both be numbers"
            problems.append(problem_at(declared_in[name], ("parameters", name, "at_most"), message))
            continue
        low: Any = params.values.get(name)
        high: Any = params.values.get(upper)
        if not (_is_number(low) and _is_number(high)) or low <= high:
            continue  # unset, or wrong and already reported
        source, at = set_at[name]
        message = (
            f"{name} is {low!r}, above {upper} ({high!r}); expected at most {high!r}, "
            f"because {name} is the lower end of the range {upper} closes"
        )
        problems.append(problem_at(source, at, message))
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _listing(names: Any) -> str:
    return ", ".join(sorted(names)) or "(none declared)"
