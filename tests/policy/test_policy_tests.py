"""Policy tests cannot pass vacuously, and their JUnit output is always well-formed XML."""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from gridpolicing.testing.junit import junit_xml, xml_text
from gridpolicing.testing.runner import CaseResult, FileResult, _close


def test_a_nan_found_never_matches_an_expected_number() -> None:
    assert not _close(math.nan, 1.0, 1e-9)
    assert not _close(math.inf, 1.0, 1e-9)
    assert _close(1.0, 1.0, 0)
    assert not _close(1.1, 1.0, 0.05)


@given(st.text(), st.text(), st.lists(st.text(), min_size=1, max_size=3))
def test_junit_xml_parses_whatever_the_names_and_messages(
    name: str, policy: str, failures: list[str]
) -> None:
    result = FileResult(
        file=name,
        policy=policy,
        cases=(CaseResult(name, tuple(failures), 0.1), CaseResult("ok", (), 0.0)),
        problems=tuple(failures),
    )
    root = ET.fromstring(junit_xml([result]).encode("utf-8"))
    [suite] = list(root)
    assert suite.get("failures") == "2"
    assert suite.get("name") == xml_text(name)


def test_xml_text_shows_what_it_replaces() -> None:
    assert xml_text("a\x01b\ud800c\td\n") == "a\\x01b\\ud800c\td\n"
