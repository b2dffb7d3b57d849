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
    missing = [
        f"{what} {ident}: {quote}"
        for what, ident, sid, quote in [
            *(("rule", r.id, r.citation.source, r.citation.quote) for r in policy.rules),
            *(("not_encoded", i, n.source, n.quote) for i, n in enumerate(policy.not_encoded)),
        ]
        if compact(quote) not in texts[sid]
    ]
    assert not missing, "quotes not found verbatim:\n" + "\n".join(missing)


def test_there_are_bundled_policies() -> None:
    assert "chengdu-xindu-2022" in bundled_policy_ids()
