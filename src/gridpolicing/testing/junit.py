"""JUnit XML, the test-report format CI systems already read."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from gridpolicing.testing.runner import FileResult

__all__ = ["junit_xml"]


def junit_xml(results: Sequence[FileResult]) -> str:
    """One ``<testsuite>`` per test file, one ``<testcase>`` per case (plus file-level checks)."""
    suites = ET.Element("testsuites", name="gridpolicing")
    total = failed = 0
    for res in results:
        cases = list(res.cases)
        suite = ET.SubElement(suites, "testsuite", name=res.file)
        n_fail = sum(1 for c in cases if not c.passed) + (1 if res.problems else 0)
        suite.set("tests", str(len(cases) + 1))
        suite.set("failures", str(n_fail))
        suite.set("time", f"{sum(c.seconds for c in cases):.3f}")
        check = ET.SubElement(suite, "testcase", classname=res.policy, name="policy test coverage")
        check.set("time", "0")
        if res.problems:
            fail = ET.SubElement(check, "failure", message=res.problems[0])
            fail.text = "\n".join(res.problems)
        for c in cases:
            el = ET.SubElement(suite, "testcase", classname=res.policy, name=c.name)
            el.set("time", f"{c.seconds:.3f}")
            if c.failures:
                fail = ET.SubElement(el, "failure", message=c.failures[0])
                fail.text = "\n".join(c.failures)
        total += len(cases) + 1
        failed += n_fail
    suites.set("tests", str(total))
    suites.set("failures", str(failed))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
