"""Policy tests: YAML cases (data, period, expected findings) run by ``gridpolicing test``."""

from gridpolicing.testing.runner import CaseResult, FileResult, find_test_files, run_test_file

__all__ = ["CaseResult", "FileResult", "find_test_files", "run_test_file"]
