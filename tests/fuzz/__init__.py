"""Fuzz targets: hypothesis tests that feed hostile input to one entry point each.

Each module ``test_<area>.py`` holds functions named ``test_fuzz_*`` decorated with
``@given(...)`` and ``@FUZZ``. Under ``make test`` they run a short budget
(``GRIDPOLICING_FUZZ_EXAMPLES``, default 30 examples per target); ``make fuzz`` calls
``tests/fuzz/run.py``, which runs every target round-robin with a larger budget until its time is
spent and prints how many inputs were tried and the peak memory. A target passes when the entry
point either succeeds or raises the library's own error (``GridPolicingError``); any other
exception, a hang or a blow-up of memory is a defect.
"""
