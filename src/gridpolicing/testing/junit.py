"""JUnit XML, the test-report format CI systems already read.

One ``<testsuite>`` per test file and one ``<testcase>`` per case, each with the ``file`` and
``line`` it is written at (GitLab, Jenkins and the JUnit annotators of GitHub Actions link to
them). A file whose policy or cases cannot be read at all is an ``<error>``; a case that finds
something else than it expects, or a rule no case shows passing and failing, is a
``<failure>``; a case left out by ``-k`` is ``<skipped>``.
"""

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
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for res in results:
        file = xml_text(res.file)
        policy = xml_text(res.policy)
        cases = list(res.cases)
        # Nothing ran: the file or its policy could not be read, an error, not a failed check.
        broken = bool(res.problems) and not cases
        counts = {
            "tests": len(cases) + 1 + len(res.skipped),
            "failures": sum(1 for c in cases if not c.passed) + (bool(res.problems) and not broken),
            "errors": int(broken),
            "skipped": len(res.skipped),
        }
        suite = ET.SubElement(suites, "testsuite", name=file, file=file)
        for key, n in counts.items():
            suite.set(key, str(n))
            totals[key] += n
        suite.set("time", f"{sum(c.seconds for c in cases):.3f}")
        check = ET.SubElement(
            suite, "testcase", classname=policy, name="policy test coverage", file=file
        )
        check.set("time", "0")
        if res.problems:
            texts = [str(p) for p in res.problems]
            first = res.problems[0]
            if first.line is not None:
                check.set("line", str(first.line))
            fail = ET.SubElement(
                check, "error" if broken else "failure", message=xml_text(texts[0])
            )
            fail.text = xml_text("\n".join(texts))
        for c in cases:
            el = ET.SubElement(
                suite, "testcase", classname=policy, name=xml_text(c.name), file=file
            )
            if c.line is not None:
                el.set("line", str(c.line))
            el.set("time", f"{c.seconds:.3f}")
            if c.failures:
                fail = ET.SubElement(el, "failure", message=xml_text(c.failures[0]))
                fail.text = xml_text("\n".join(c.failures))
        for name, line in res.skipped:
            el = ET.SubElement(suite, "testcase", classname=policy, name=xml_text(name), file=file)
            if line is not None:
                el.set("line", str(line))
            el.set("time", "0")
            ET.SubElement(el, "skipped", message="left out by -k")
    for key, n in totals.items():
        suites.set(key, str(n))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
