"""JUnit XML, the test-report format CI systems already read."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from gridpolicing.testing.runner import FileResult

__all__ = ["junit_xml", "xml_text"]

# Characters XML 1.0 cannot hold at all, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with each character XML cannot hold shown as ``\\xNN`` / ``\\uNNNN``."""
    return _NOT_XML.sub(lambda m: repr(m.group())[1:-1], text)


def junit_xml(results: Sequence[FileResult]) -> str:
    """One ``<testsuite>`` per test file, one ``<testcase>`` per case (plus file-level checks)."""
    suites = ET.Element("testsuites", name="gridpolicing")
    total = failed = 0
    for res in results:
        cases = list(res.cases)
        suite = ET.SubElement(suites, "testsuite", name=xml_text(res.file))
        n_fail = sum(1 for c in cases if not c.passed) + (1 if res.problems else 0)
        suite.set("tests", str(len(cases) + 1))
        suite.set("failures", str(n_fail))
        suite.set("time", f"{sum(c.seconds for c in cases):.3f}")
        check = ET.SubElement(
            suite, "testcase", classname=xml_text(res.policy), name="policy test coverage"
        )
        check.set("time", "0")
        if res.problems:
            fail = ET.SubElement(check, "failure", message=xml_text(res.problems[0]))
            fail.text = xml_text("\n".join(res.problems))
        for c in cases:
            el = ET.SubElement(
                suite, "testcase", classname=xml_text(res.policy), name=xml_text(c.name)
            )
            el.set("time", f"{c.seconds:.3f}")
            if c.failures:
                fail = ET.SubElement(el, "failure", message=xml_text(c.failures[0]))
                fail.text = xml_text("\n".join(c.failures))
        total += len(cases) + 1
        failed += n_fail
    suites.set("tests", str(total))
    suites.set("failures", str(failed))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
