"""A readable document of a policy, in Markdown or HTML, in Chinese or English.

Rules are grouped by kind, each with its subject, quantities, severity and the clause it cites;
then the duty catalogues and the clauses the policy leaves unencoded, with their reasons.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from typing import Any, Final

from gridpolicing.i18n import N_, SEVERITIES, translator
from gridpolicing.model.terms import Vocabulary
from gridpolicing.policy.document import Policy
from gridpolicing.policy.models import AnyPeriod, CustomPeriod, RuleSpec, Subject

__all__ = ["render_policy"]

_COMMON: Final = set(RuleSpec.model_fields)

_WORDS: Final = {  # the labels of a rendered policy (the catalogue translates them)
    "jurisdiction": N_("Jurisdiction"),
    "sources": N_("Sources"),
    "rules": N_("Rules"),
    "kind": N_("Kind"),
    "subject": N_("Subject"),
    "severity": N_("Severity"),
    "quantities": N_("Requirement"),
    "citation": N_("Clause"),
    "note": N_("Reading"),
    "catalogues": N_("Duty catalogues"),
    "not_encoded": N_("Clauses not encoded"),
    "reason": N_("Reason"),
    "parameters": N_("Parameters"),
    "origin": N_("Origin"),
    "effective": N_("In force"),
    "units": N_("units"),
    "people": N_("people"),
    "hash": N_("Content hash"),
    "none": N_("none"),
    "activity_kinds": N_("activity kinds"),
    "assessment": N_("Assessment"),
    "period": N_("Assessment period"),
    "items": N_("Items"),
    "vetoes": N_("Vetoes"),
    "ranking": N_("Ranking"),
    "rollup": N_("Roll-up"),
    "draft": N_("consultation draft, not the text as issued"),
}


def render_policy(policy: Policy, *, lang: str = "zh", fmt: str = "markdown") -> str:
    """The policy as a document for people: ``fmt`` is ``markdown`` or ``html``."""
    blocks = _blocks(policy, lang)
    return _markdown(blocks) if fmt == "markdown" else _html(blocks, policy.title.get(lang), lang)


def _blocks(policy: Policy, lang: str) -> list[tuple[str, Any]]:
    _ = translator(lang)
    w = {key: _(label) for key, label in _WORDS.items()}
    out: list[tuple[str, Any]] = [("h1", policy.title.get(lang))]
    facts = [
        (w["jurisdiction"], policy.jurisdiction),
        ("id", policy.id),
        (w["hash"], policy.content_hash),
    ]
    if policy.effective:
        facts.append((w["effective"], f"{policy.effective.from_} .. {policy.effective.to or ''}"))
    out.append(("facts", facts))
    out.append(("h2", w["sources"]))
    out.append(
        (
            "list",
            [
                f"`{s.id}`: {s.title} ({s.issuer}{', ' + str(s.date) if s.date else ''})"
                + (f" **{w['draft']}**" if s.status == "draft" else "")
                + (f" {s.url}" if s.url else "")
                for s in policy.sources.values()
            ],
        )
    )
    if policy.parameters:
        out.append(("h2", w["parameters"]))
        out.append(("list", [f"`{k}` = {_value(v)}" for k, v in policy.parameters.items()]))
    by_kind: dict[str, list[RuleSpec]] = defaultdict(list)
    for rule in policy.rules:
        by_kind[rule.kind].append(rule)
    out.append(("h2", f"{w['rules']} ({len(policy.rules)})"))
    for kind in sorted(by_kind):
        out.append(("h3", f"{w['kind']}: `{kind}`"))
        for rule in by_kind[kind]:
            out.append(("h4", f"{rule.title.get(lang)} (`{rule.id}`)"))
            facts = [
                (w["subject"], _subject(rule.subject, w, policy.vocabulary, lang)),
                (w["severity"], _(SEVERITIES[rule.severity.value])),
                (w["quantities"], _quantities(rule)),
                (
                    w["citation"],
                    f"[{rule.citation.source}"
                    f"{' ' + rule.citation.clause if rule.citation.clause else ''}] "
                    f"「{rule.citation.quote}」",
                ),
            ]
            if rule.note:
                facts.append((w["note"], rule.note))
            out.append(("facts", facts))
    if policy.assessment is not None:
        out.append(("h2", w["assessment"]))
        for scheme in policy.assessment.schemes:
            out.append(("h3", f"{scheme.title.get(lang)} (`{scheme.id}`)"))
            facts = [
                (w["subject"], _subject(scheme.subject, w, policy.vocabulary, lang)),
                (w["period"], _period(scheme.period)),
                (w["items"], "; ".join(f"{i.title.get(lang)} (`{i.id}`)" for i in scheme.items)),
                (w["citation"], f"[{scheme.citation.source}] 「{scheme.citation.quote}」"),
            ]
            if scheme.vetoes:
                facts.append(
                    (
                        w["vetoes"],
                        ", ".join(f"{v.rule or v.item} → {v.result.value}" for v in scheme.vetoes),
                    )
                )
            if scheme.ranking is not None:
                facts.append((w["ranking"], _value(scheme.ranking.model_dump(mode="json"))))
            for rollup in scheme.all_rollups if not policy.is_template else []:
                dumped = rollup.model_dump(
                    mode="json", exclude_none=True, exclude={"citation", "grades"}
                )
                dumped = {k: v for k, v in dumped.items() if v != []}  # no empty lists shown
                facts.append((w["rollup"], _value(dumped)))
            out.append(("facts", facts))
    if policy.catalogues:
        out.append(("h2", w["catalogues"]))
        for name, duties in policy.catalogues.items():
            out.append(("h3", f"`{name}`"))
            out.append(
                (
                    "list",
                    [
                        f"{d.title.get(lang)} (`{d.id}`): {w['activity_kinds']} "
                        + ", ".join(k.value for k in d.activity_kinds)
                        for d in duties
                    ],
                )
            )
    out.append(("h2", f"{w['not_encoded']} ({len(policy.not_encoded)})"))
    out.append(
        (
            "list",
            [f"[{n.source}] 「{n.quote}」 — {w['reason']}: {n.reason}" for n in policy.not_encoded]
            or [w["none"]],
        )
    )
    return out


# The selector keys whose values are terms of a vocabulary, shown by the term's name.
_TERMS: Final = {
    "type": "unit_types",
    "area": "areas",
    "unit_area": "areas",
    "category": "locality_categories",
    "roles": "roles",
    "employment": "employments",
    "rank_at_least": "ranks",
}


def _subject(subject: Subject, w: dict[str, str], vocabulary: Vocabulary, lang: str) -> str:
    """Whom a rule judges in words: ``单位 社区/村 · category 行政村`` (terms by their names)."""
    if subject.units is not None:
        head, given = w["units"], subject.units.model_dump(mode="json", exclude_none=True)
        tags = "unit_tags"
    else:
        assert subject.people is not None
        head, given = w["people"], subject.people.model_dump(mode="json", exclude_none=True)
        tags = "person_tags"
    sep = "、" if lang == "zh" else ", "
    parts = []
    for key, value in given.items():
        vocab = _TERMS.get(key) or (tags if key in ("tags", "without_tags") else None)
        if vocab is None:
            shown = _value(value)
        else:
            ids = value if isinstance(value, list) else [value]
            shown = sep.join(term_words(vocabulary, vocab, str(i), lang) for i in ids)
        # the type and the roles say who; any other key is named before its value
        parts.append(shown if key in ("type", "roles") else f"{key} {shown}")
    return f"{head} " + " · ".join(parts)


def term_words(vocabulary: Vocabulary, name: str, term_id: str, lang: str) -> str:
    """A term by its name in ``lang`` and its id: ``社区民警 (community_officer)``."""
    if vocabulary.term(name, term_id) is None:
        return f"`{term_id}`"
    return f"{vocabulary.term_name(name, term_id, lang)} (`{term_id}`)"


def _quantities(rule: RuleSpec) -> str:
    own = {
        k: v
        for k, v in rule.model_dump(mode="json", exclude_none=True).items()
        if (k not in _COMMON or k == "period") and v != []  # an empty list says nothing
    }
    return ", ".join(f"{k}: {_value(v)}" for k, v in own.items()) or "-"


def _value(v: Any) -> str:
    if isinstance(v, str):
        return v
    return json.dumps(v, ensure_ascii=False, separators=(", ", ": "))


def _markdown(blocks: list[tuple[str, Any]]) -> str:
    out: list[str] = []
    for kind, content in blocks:
        if kind.startswith("h"):
            out += ["#" * int(kind[1]) + " " + content, ""]
        elif kind == "facts":
            out += [f"- **{k}**: {v}" for k, v in content] + [""]
        elif kind == "list":
            out += [f"- {item}" for item in content] + [""]
    return "\n".join(out).rstrip() + "\n"


def _html(blocks: list[tuple[str, Any]], title: str, lang: str) -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.5}"
        "dt{font-weight:bold}dd{margin:0 0 .4em 1.5em}code{background:#f3f3f3}</style>",
        "</head><body>",
    ]
    for kind, content in blocks:
        if kind.startswith("h"):
            out.append(f"<{kind}>{_code(e(content))}</{kind}>")
        elif kind == "facts":
            out.append(
                "<dl>"
                + "".join(f"<dt>{e(k)}</dt><dd>{_code(e(str(v)))}</dd>" for k, v in content)
                + "</dl>"
            )
        elif kind == "list":
            out.append("<ul>" + "".join(f"<li>{_code(e(i))}</li>" for i in content) + "</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _code(text: str) -> str:
    parts = text.split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


def _period(period: AnyPeriod) -> str:
    """A scheme's period as the author wrote it (``month``, ``{months: 1, starts: 12-26}``)."""
    return period.label if isinstance(period, CustomPeriod) else period.value
