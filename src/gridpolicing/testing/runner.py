"""Run policy tests: evaluate each case and compare the findings with its expectations.

A file fails when a case fails, when an expectation names a rule the policy does not have, or
when a rule of the policy has no expected ``pass`` or no expected ``fail`` anywhere in the file:
every rule must be shown both keeping and breaking its clause.
"""

from __future__ import annotations

import copy
import math
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, final

import yaml
from pydantic import ValidationError

from gridpolicing.assessment.result import AssessmentOutcome
from gridpolicing.engine.evaluate import evaluate
from gridpolicing.errors import GridPolicingError, PolicyError, Problem
from gridpolicing.io import load_dataset
from gridpolicing.policy.chain import Roots, resolve_reference
from gridpolicing.policy.document import Policy
from gridpolicing.policy.errors_map import problems_from_validation
from gridpolicing.policy.loader import load_policy
from gridpolicing.policy.registry import Registry
from gridpolicing.policy.values import validate_plain
from gridpolicing.policy.yamlsrc import TEST_LIMITS, read_yaml_file
from gridpolicing.report.finding import Finding
from gridpolicing.testing.models import (
    AssessmentExpectation,
    Expectation,
    TestCase,
    TestFile,
)

__all__ = ["CaseResult", "FileResult", "find_test_files", "run_test_file"]

TEST_SUFFIX = ".test.yaml"


@final
@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one case: its failures (empty when it passed) and its duration."""

    name: str
    failures: tuple[str, ...]
    seconds: float
    line: int | None = None
    """The line of the case in its test file (for CI annotations and JUnit)."""

    @property
    def passed(self) -> bool:
        """True when every expectation held."""
        return not self.failures


@final
@dataclass(frozen=True, slots=True)
class FileResult:
    """The outcome of one test file: its cases and the problems of the file as a whole."""

    file: str
    policy: str
    cases: tuple[CaseResult, ...]
    problems: tuple[Problem, ...] = field(default=())
    policy_files: tuple[str, ...] = field(default=())
    """Resolved paths of the policy and every policy it extends (they are all exercised)."""
    skipped: tuple[tuple[str, int | None], ...] = field(default=())
    """Name and line of each case left out by the name filter (``-k``)."""

    @property
    def passed(self) -> bool:
        """True when every case passed and the file has no problem."""
        return not self.problems and all(c.passed for c in self.cases)


def find_test_files(paths: Iterable[str | Path]) -> list[Path]:
    """``*.test.yaml`` files named, or found anywhere below named directories, sorted."""
    out: set[Path] = set()
    for p in paths:
        path = Path(p)
        if path.is_dir():
            out.update(path.rglob(f"*{TEST_SUFFIX}"))
        elif path.is_file():
            out.add(path)
    return sorted(out)


def run_test_file(
    path: Path,
    registry: Registry,
    name_filter: str | None = None,
    policy_path: Sequence[str | os.PathLike[str]] = (),
) -> FileResult:
    """Run every case of one test file (those whose name contains ``name_filter``).

    The file is read as policies are (UTF-8, bounded, YAML 1.2 typing: ``010`` stays text). Its
    ``policy`` is found as ``extends`` finds a parent: beside the test file, in a directory of
    ``policy_path`` or bundled, never outside those roots.
    """
    source, problems = read_yaml_file(path, str(path), TEST_LIMITS)
    if source is None:
        return FileResult(str(path), "?", (), tuple(problems))
    if not isinstance(source.data, dict):
        problem = Problem(str(path), 1, 1, "", "expected a mapping at the top of the file")
        return FileResult(str(path), "?", (), (problem,))
    try:
        spec = validate_plain(TestFile, source.data)
    except ValidationError as exc:
        problems = problems_from_validation(exc, source, TestFile)
        return FileResult(str(path), "?", (), tuple(problems))
    dirs = [Path(p) for p in policy_path]
    try:
        try:
            ref = resolve_reference(spec.policy, path.parent, Roots.of(path, dirs), dirs)
        except PolicyError as exc:  # say where the reference is
            line, col = source.positions.of_value(("policy",)) or (None, None)
            raise PolicyError(
                [Problem(str(path), line, col, "policy", p.message) for p in exc.problems]
            ) from None
        policy = load_policy(ref, registry=registry, policy_path=dirs)
    except PolicyError as exc:
        return FileResult(str(path), spec.policy, (), tuple(exc.problems))
    file_problems = _coverage_problems(path, policy, spec, source)
    cases = []
    skipped = []
    for ci, case in enumerate(spec.cases):
        line = (source.positions.of_value(("cases", ci)) or (None, None))[0]
        if name_filter and name_filter not in case.name:
            skipped.append((case.name, line))
            continue
        cases.append(_run_case(path, policy, spec, case, line))
    files = tuple(str(Path(f).resolve()) for f in policy.files)
    return FileResult(
        str(path), policy.id, tuple(cases), tuple(file_problems), files, tuple(skipped)
    )


def _coverage_problems(path: Path, policy: Policy, spec: TestFile, source: Any) -> list[Problem]:
    rule_ids = {r.id for r in policy.rules}
    seen: dict[str, set[str]] = {r: set() for r in rule_ids}
    file = str(path)
    out: list[Problem] = []

    def at(where: tuple[str | int, ...], field: str, message: str) -> None:
        line, col = source.positions.of_value(where) or (None, None)
        out.append(Problem(file, line, col, field, message))

    for ci, case in enumerate(spec.cases):
        for ei, exp in enumerate(case.expect):
            if exp.rule not in rule_ids:
                at(
                    ("cases", ci, "expect", ei, "rule"),
                    f"cases[{case.name}].expect[{ei}].rule",
                    f"policy {policy.id} has no rule {exp.rule!r}",
                )
                continue
            if exp.status is not None:
                seen[exp.rule].add(exp.status.value)
        for ri, rid in enumerate(case.rules or ()):
            if rid not in rule_ids:
                at(("cases", ci, "rules", ri), f"cases[{case.name}].rules", _no_rule(rid))
    schemes = [s.id for s in policy.assessment.schemes] if policy.assessment else []
    expected_schemes = {e.scheme for c in spec.cases for e in c.expect_assessment}
    covered = set(rule_ids) | set(schemes)
    if spec.covers is not None:
        for name in sorted(set(spec.covers) - covered):
            at(("covers",), "covers", f"policy {policy.id} has no rule or scheme {name!r}")
        covered &= set(spec.covers)
    for sid in schemes:
        if sid not in expected_schemes and sid in covered:
            out.append(
                Problem(
                    file,
                    None,
                    None,
                    "",
                    f"assessment scheme {sid!r} has no case with expect_assessment",
                )
            )
    for sid in sorted(expected_schemes - set(schemes)):
        out.append(
            Problem(file, None, None, "", f"policy {policy.id} has no assessment scheme {sid!r}")
        )
    for rid in sorted(rule_ids & covered):
        missing = [s for s in ("pass", "fail") if s not in seen[rid]]
        if missing:
            message = f"rule {rid!r} has no case expecting {' or '.join(missing)}"
            out.append(Problem(file, None, None, "", message))
    return out


def _no_rule(rid: str) -> str:
    return f"policy has no rule {rid!r}"


def _run_case(
    path: Path, policy: Policy, spec: TestFile, case: TestCase, line: int | None
) -> CaseResult:
    started = time.perf_counter()
    failures: list[str] = []
    try:
        data = _case_data(spec.base_data, case)
        selected = policy
        if case.rules is not None:
            keep = set(case.rules)
            selected = _only(policy, keep)
        with tempfile.TemporaryDirectory(prefix="gridpolicing-test-") as tmp:
            file = Path(tmp) / f"{path.name.removesuffix(TEST_SUFFIX)}--data.yaml"
            file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
            dataset = load_dataset(file, vocabulary=policy.vocabulary)
            failures.extend(
                f"rejected record: {r.table} {r.record_id}.{r.field}: {r.message}"
                for r in dataset.rejected
            )
            report = evaluate(selected, dataset, case.period)
            findings = list(report.findings)
            assessed = report.assessment
    except GridPolicingError as exc:
        failures.append(f"error: {exc}")
        findings = []
        assessed = AssessmentOutcome()
    for exp in case.expect if not failures else ():
        failures.extend(_check(exp, findings))
    for aexp in case.expect_assessment if not failures else ():
        failures.extend(_check_assessment(aexp, assessed))
    return CaseResult(case.name, tuple(failures), time.perf_counter() - started, line)


def _check_assessment(exp: AssessmentExpectation, outcome: AssessmentOutcome) -> list[str]:
    rows: list[Any] = list(outcome.rollups if exp.rollup else outcome.scores)
    matched = [
        r
        for r in rows
        if r.scheme == exp.scheme
        and r.subject_id == exp.subject
        and (exp.bucket is None or r.bucket == exp.bucket)
    ]
    where = f"assessment {exp.scheme} / {exp.subject}" + (f" / {exp.bucket}" if exp.bucket else "")
    if exp.rollup:
        where += " (roll-up)"
    if exp.absent:
        return [f"{where}: expected no result, found {len(matched)}"] if matched else []
    if not matched:
        return [f"{where}: no such result"]
    out = []
    for r in matched:
        total = r.score if exp.rollup else r.total
        if exp.total is not None and not _close(total, exp.total, exp.margin):
            out.append(f"{where} [{r.bucket}]: expected total {exp.total}, found {total}")
        for name in ("grade", "rank"):
            want, got = getattr(exp, name), getattr(r, name)
            if want is not None and want != got:
                out.append(f"{where} [{r.bucket}]: expected {name} {want}, found {got}")
        if not exp.rollup and exp.status is not None and exp.status != r.status:
            out.append(f"{where} [{r.bucket}]: expected status {exp.status}, found {r.status}")
        if exp.consequences is not None:
            # a roll-up's built-in consequences (reward, adjustment ...) and the declared ones
            got = sorted([*(r.consequences if exp.rollup else ()), *(a.id for a in r.applied)])
            if sorted(exp.consequences) != got:
                out.append(
                    f"{where} [{r.bucket}]: expected consequences "
                    f"{sorted(exp.consequences)}, found {got}"
                )
    return out


def _only(policy: Policy, keep: set[str]) -> Policy:
    from dataclasses import replace

    rules = tuple(r for r in policy.rules if r.id in keep)
    assessment = policy.assessment
    if assessment is not None:
        named = {i.from_rule.rule for s in assessment.schemes for i in s.items if i.from_rule}
        named |= {v.rule for s in assessment.schemes for v in s.vetoes if v.rule}
        if not named <= keep:
            assessment = None  # its rules are not evaluated in this case
    return replace(policy, rules=rules, assessment=assessment)


def _case_data(base: dict[str, list[dict[str, Any]]], case: TestCase) -> dict[str, Any]:
    """``base`` with the case's records added (replacing same-id records) and removals applied."""
    merged: dict[str, dict[str, dict[str, Any]]] = {}
    for table, records in base.items():
        merged[table] = {str(r.get("id")): copy.deepcopy(r) for r in records}
    for table, ids in case.remove.items():
        for rid in ids:
            merged.get(table, {}).pop(rid, None)
    for table, records in case.data.items():
        bucket = merged.setdefault(table, {})
        for r in records:
            bucket[str(r.get("id"))] = copy.deepcopy(r)
    return {table: list(records.values()) for table, records in merged.items()}


def _check(exp: Expectation, findings: list[Finding]) -> list[str]:
    matched = [
        f
        for f in findings
        if f.rule == exp.rule
        and f.subject_id == exp.subject
        and (exp.bucket is None or f.bucket == exp.bucket)
    ]
    where = f"{exp.rule} / {exp.subject}" + (f" / {exp.bucket}" if exp.bucket else "")
    if exp.status is None:  # absent: not one of the rule's subjects
        if matched:
            found = ", ".join(f"{f.bucket}: {f.status.value}" for f in matched)
            return [f"{where}: expected no finding (not a subject), found {found}"]
        return []
    if not matched:
        return [f"{where}: expected {exp.status.value}, but there is no such finding"]
    out = []
    for f in matched:
        if f.status is not exp.status:
            out.append(
                f"{where} [{f.bucket}]: expected {exp.status.value}, found {f.status.value} "
                f"(measured {f.measured}, required {f.required}, detail {f.detail})"
            )
        for name in ("measured", "required"):
            want = getattr(exp, name)
            got = getattr(f, name)
            if want is not None and (got is None or not _close(got, want, exp.margin)):
                out.append(f"{where} [{f.bucket}]: expected {name} {want}, found {got}")
    return out


def _close(got: float, want: float, margin: float) -> bool:
    """``got`` is within ``margin`` of ``want``; a NaN found is never close (never a pass)."""
    return math.isfinite(got) and abs(got - want) <= margin
