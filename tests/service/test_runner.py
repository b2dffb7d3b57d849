"""The evaluation workers' limits: one too many is 503 at once; a timeout stops the DuckDB query."""

from __future__ import annotations

import asyncio
import io
import json
import threading
import time

import duckdb
import pytest

from gridpolicing import load_dataset
from gridpolicing.service.errors import ApiError
from gridpolicing.service.gate import Log
from gridpolicing.service.runner import Job, Runner
from tests.service.server import SMALL_DATA

# Minutes of work for DuckDB, unless it is interrupted.
LONG_QUERY = "SELECT sum(hash(a.range * b.range)) FROM range(200000) a, range(200000) b"


async def _until_idle(runner: Runner, seconds: float) -> float:
    """Seconds until every worker of ``runner`` has stopped (fails after ``seconds``)."""
    started = time.monotonic()
    while runner.running:
        assert time.monotonic() - started < seconds, "the worker was not freed"
        await asyncio.sleep(0.01)
    return time.monotonic() - started


def test_an_evaluation_beyond_the_limit_is_refused_at_once() -> None:
    release = threading.Event()

    async def scenario() -> None:
        runner = Runner(max_concurrent=1, timeout_s=30, log=Log(io.StringIO()))
        first = asyncio.ensure_future(runner.run(lambda job: release.wait(10), "first"))
        while runner.running == 0:
            await asyncio.sleep(0.01)
        with pytest.raises(ApiError) as info:
            await runner.run(lambda job: True, "second")
        assert info.value.status == 503
        assert info.value.message.startswith("1 evaluation is running,")
        assert info.value.headers["Retry-After"].isdigit()
        release.set()
        assert await first is True
        assert runner.running == 0
        assert await runner.run(lambda job: "third", "third") == "third"  # the slot is back
        runner.close()

    asyncio.run(scenario())


def test_a_timeout_interrupts_the_running_query_and_frees_the_worker() -> None:
    stream = io.StringIO()

    def work(job: Job) -> object:
        dataset = job.attach(load_dataset(SMALL_DATA))
        try:
            return dataset.cursor().execute(LONG_QUERY).fetchall()
        finally:
            dataset.close()

    async def scenario() -> float:
        runner = Runner(max_concurrent=1, timeout_s=0.5, log=Log(stream))
        with pytest.raises(ApiError) as info:
            await runner.run(work, "slow")
        assert info.value.status == 504
        assert "longer than this server's limit of 0.5 s" in info.value.message
        freed = await _until_idle(runner, 10)
        runner.close()
        return freed

    freed = asyncio.run(scenario())
    assert freed < 5  # interrupted, not finished: the query alone takes minutes
    [stopped] = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert stopped["event"] == "evaluation_stopped"
    assert stopped["request_id"] == "slow"
    assert stopped["interrupted"] is True


def test_dataset_interrupt_reaches_its_cursors() -> None:
    """A DuckDB interrupt of a connection misses its cursors: Dataset.interrupt() does not."""
    with load_dataset(SMALL_DATA) as dataset:
        failed: list[BaseException] = []
        cursor = dataset.cursor()

        def run() -> None:
            try:
                cursor.execute(LONG_QUERY).fetchall()
            except duckdb.InterruptException as exc:
                failed.append(exc)

        thread = threading.Thread(target=run)
        thread.start()
        deadline = time.monotonic() + 10
        while thread.is_alive() and time.monotonic() < deadline:
            dataset.interrupt()
            thread.join(0.05)
        assert not thread.is_alive()
        assert len(failed) == 1
        cursor.close()
