"""Generated documentation: the rule-kind reference, rendered policies and source coverage.

``python -m gridpolicing.policy.docgen`` rewrites the files; ``--check`` exits 1 when any file
differs from what the code and the bundled policies say (``make test`` runs the check).
"""

from __future__ import annotations

import sys
from pathlib import Path

from gridpolicing.policy.coverage import coverage_markdown
from gridpolicing.policy.loader import load_policy
from gridpolicing.policy.reference import rule_kinds_markdown
from gridpolicing.policy.registry import Registry
from gridpolicing.policy.render import render_policy
from gridpolicing.policy.resources import bundled_dir

__all__ = ["expected_docs", "main"]


def expected_docs(root: Path, registry: Registry) -> dict[Path, str]:
    """Path (relative to ``root``) -> text of every generated document."""
    out: dict[Path, str] = {Path("docs/rule-kinds.md"): rule_kinds_markdown(registry)}
    policies = []
    for path in sorted(bundled_dir("policies").glob("*.yaml")):
        policy = load_policy(path, registry=registry, allow_template=True)
        policies.append(policy)
        for lang in ("zh", "en"):
            text = render_policy(policy, lang=lang, fmt="markdown")
            out[Path(f"docs/policies/{policy.id}.{lang}.md")] = text
    out[Path("docs/policies/coverage.md")] = coverage_markdown(policies, root)
    return out


def main(argv: list[str] | None = None) -> int:
    """Write the generated documents under the project root, or check them (``--check``)."""
    args = sys.argv[1:] if argv is None else argv
    check = "--check" in args
    root = bundled_dir("policies").parent
    stale = []
    expected = expected_docs(root, Registry.from_entry_points())
    for rel, text in expected.items():
        path = root / rel
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        if check:
            stale.append(str(rel))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {rel}")
    generated = {root / rel for rel in expected}
    extra = [
        str(p.relative_to(root))
        for p in sorted((root / "docs/policies").glob("*.md"))
        if p not in generated
    ]
    if check and (stale or extra):
        for name in stale:
            print(f"stale: {name}", file=sys.stderr)
        for name in extra:
            print(f"not generated from any policy: {name}", file=sys.stderr)
        print("run `python -m gridpolicing.policy.docgen` to regenerate", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
