"""A unit's incident (naming no person) is no event of the monitor's, and breaks no replay."""

from __future__ import annotations

from pathlib import Path

from gridpolicing.monitor import events_from_dataset, parse_event
from tests.helpers import make_dataset


def test_a_replay_skips_incidents_that_name_no_person(tmp_path: Path) -> None:
    data = make_dataset(
        tmp_path,
        {
            "units": [{"id": "c1", "type": "locality"}],
            "people": [{"id": "p1"}],
            "incidents": [
                {"id": "k1", "unit": "c1", "kind": "partial_conduct", "date": "2022-03-01"},
                {"id": "k2", "person": "p1", "kind": "partial_conduct", "date": "2022-03-02",
                 "unit": "c1", "resolved": "2022-03-09"},
            ],
        },
    )  # fmt: skip
    assert not data.rejected
    events = list(events_from_dataset(data))
    assert [(e["type"], e["id"]) for e in events] == [("incident", "k2")]
    assert parse_event(events[0]).person == "p1"  # type: ignore[union-attr]
