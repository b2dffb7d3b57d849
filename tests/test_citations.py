"""Every citation and not_encoded quote of a bundled policy appears verbatim in its source file."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridpolicing import Registry, load_policy
from gridpolicing.policy.coverage import compact, source_text
from gridpolicing.policy.resources import bundled_dir, bundled_policy_ids

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = Registry.from_entry_points()


@pytest.mark.parametrize("policy_id", bundled_policy_ids())
def test_quotes_are_verbatim_in_their_sources(policy_id: str) -> None:
    policy = load_policy(
        bundled_dir("policies") / f"{policy_id}.yaml", registry=REGISTRY, allow_template=True
    )
    texts = {}
    for sid, source in policy.sources.items():
        assert source.file, f"source {sid} names no file under docs/sources/"
        path = ROOT / source.file
        assert path.is_file(), f"source {sid}: {source.file} does not exist"
        texts[sid] = compact(source_text(path))
    cited = [
        *(("rule", r.id, r.citation) for r in policy.rules),
        *(("not_encoded", str(i), n) for i, n in enumerate(policy.not_encoded)),
    ]
    for scheme in policy.assessment.schemes if policy.assessment else ():
        cited.append(("scheme", scheme.id, scheme.citation))
        cited += [("item", f"{scheme.id}.{i.id}", i.citation) for i in scheme.items if i.citation]
        cited += [("veto", scheme.id, v.citation) for v in scheme.vetoes if v.citation]
        cited += [("rollup", scheme.id, r.citation) for r in scheme.all_rollups if r.citation]
    missing = [
        f"{what} {ident}: {c.quote}"
        for what, ident, c in cited
        if compact(c.quote) not in texts[c.source]
    ]
    assert not missing, "quotes not found verbatim:\n" + "\n".join(missing)


def test_there_are_bundled_policies() -> None:
    assert "chengdu-xindu-2022" in bundled_policy_ids()
