"""Evaluations in worker threads: at most N at once, each stopped when its time is up.

An evaluation runs in a thread of the app's own pool, never on the event loop, so the service
keeps answering while it works. A request beyond ``max_concurrent`` is answered 503 with
Retry-After at once. When ``timeout_s`` passes, the client is answered 504 and the evaluation's
DuckDB connection is interrupted (:meth:`Dataset.interrupt`), again every few milliseconds
until the worker has stopped: an interrupt lands only on a query that is running, and Python
work between two queries would otherwise start the next one. A slot is given back when its
worker has stopped, not when the client was answered, so timed-out work cannot pile up.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Final, TypeVar, final

import duckdb

from gridpolicing.io.dataset import Dataset
from gridpolicing.service.errors import ApiError
from gridpolicing.service.gate import Log

__all__ = ["Job", "Runner"]

T = TypeVar("T")

_POLL_S: Final = 0.02


@final
class Job:
    """What a running evaluation shares with its timer: the dataset to interrupt, once loaded."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dataset: Dataset | None = None
        self.expired = False

    def attach(self, dataset: Dataset) -> Dataset:
        """Note the dataset being evaluated; stop at once if the time is up already."""
        with self._lock:
            self._dataset = dataset
            expired = self.expired
        if expired:
            raise duckdb.InterruptException("the evaluation's time was up before it started")
        return dataset

    def interrupt(self) -> None:
        """Mark the job expired and interrupt the query it runs, if any."""
        with self._lock:
            self.expired = True
            dataset = self._dataset
        if dataset is not None:
            dataset.interrupt()


@final
class Runner:
    """The app's pool of evaluation workers, with its limits."""

    def __init__(self, *, max_concurrent: int, timeout_s: float, log: Log) -> None:
        self.max_concurrent = max_concurrent
        self.timeout_s = timeout_s
        self.log = log
        self.running = 0
        self._pool = ThreadPoolExecutor(max_concurrent, thread_name_prefix="gridpolicing-eval")
        self._stopping: set[asyncio.Task[None]] = set()  # held, so no task is collected early

    def close(self) -> None:
        """Stop taking work; wait for the workers."""
        self._pool.shutdown(wait=True)

    async def run(self, work: Callable[[Job], T], request_id: str) -> T:
        """``work(job)`` in a worker within the limits, or an :class:`ApiError` (503, 504)."""
        if self.running >= self.max_concurrent:
            raise ApiError(
                503,
                f"{self.running} evaluation{' is' if self.running == 1 else 's are'} running, "
                "this server's most at once; "
                "retry in a few seconds",
                headers={"Retry-After": "5"},
            )
        job = Job()
        self.running += 1
        loop = asyncio.get_running_loop()
        started = time.perf_counter()
        future: Future[T] = self._pool.submit(work, job)

        def stopped(done: Future[T]) -> None:
            loop.call_soon_threadsafe(self._release)
            if job.expired:
                interrupted = isinstance(done.exception(), duckdb.InterruptException)
                self.log.write(
                    "evaluation_stopped",
                    request_id=request_id,
                    after_ms=round((time.perf_counter() - started) * 1000, 1),
                    interrupted=interrupted,
                )

        future.add_done_callback(stopped)
        wrapped = asyncio.wrap_future(future)
        try:
            return await asyncio.wait_for(asyncio.shield(wrapped), self.timeout_s)
        except TimeoutError:
            task = loop.create_task(self._stop(job, wrapped))
            self._stopping.add(task)
            task.add_done_callback(self._stopping.discard)
            raise ApiError(
                504,
                f"the evaluation took longer than this server's limit of {self.timeout_s:g} s "
                "and was stopped; evaluate a shorter period or a smaller dataset",
            ) from None

    def _release(self) -> None:
        self.running -= 1

    async def _stop(self, job: Job, wrapped: asyncio.Future[T]) -> None:
        while not wrapped.done():
            job.interrupt()
            await asyncio.sleep(_POLL_S)
        wrapped.exception()  # retrieved, so asyncio does not warn about it
