"""Live writing: a bounded queue between the document source and a writer.

The RunEngine has its own consumer queues; this is the thin optional wrapper for
everyone else (a script feeding documents, a catalog replay, a test).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from acq._exceptions import WriterError
from acq.writers._base import Doc, Writer

_STOP = object()


@dataclass(frozen=True)
class LiveWriterStatistics:
    """What a :class:`LiveWriter` has done so far."""

    maxsize: int
    queued: int
    max_queued: int
    accepted: int
    written: int
    rejected: int
    waited_puts: int
    batches: int
    error: str | None


class LiveWriter:
    """Feeds ``writer`` from a bounded queue on a task this context owns.

    ``await live.put(name, doc)`` waits while the queue is full (back-pressure);
    ``live(name, doc)`` never waits and raises :class:`acq.WriterError` when full.
    The consumer writes whatever is queued as one batch, then drains the
    destination. On exit the queue is written out (bounded by ``close_timeout``)
    and the writer is closed, so a run that never stopped still leaves readable
    files. A failing writer stops the consumer, never the producer; the error is
    in ``statistics().error`` and raised on exit.
    """

    def __init__(self, writer: Writer, *, maxsize: int = 10_000, close_timeout: float = 10.0):
        if maxsize < 1:
            raise WriterError(f"LiveWriter maxsize={maxsize}: expected at least 1.")
        self.writer = writer
        self.close_timeout = close_timeout
        self._queue: asyncio.Queue[Any] = asyncio.Queue(maxsize)
        self._group: asyncio.TaskGroup | None = None
        self._task: asyncio.Task[None] | None = None
        self._maxsize = maxsize
        self._max_queued = self._accepted = self._written = 0
        self._rejected = self._waited = self._batches = 0
        self._error: BaseException | None = None

    def statistics(self) -> LiveWriterStatistics:
        return LiveWriterStatistics(
            maxsize=self._maxsize,
            queued=self._queue.qsize(),
            max_queued=self._max_queued,
            accepted=self._accepted,
            written=self._written,
            rejected=self._rejected,
            waited_puts=self._waited,
            batches=self._batches,
            error=repr(self._error) if self._error else None,
        )

    def _check(self) -> None:
        if self._group is None:
            raise WriterError("LiveWriter is not running; use 'async with LiveWriter(w) as live'.")
        if self._error is not None:
            raise WriterError(
                f"{type(self.writer).__name__} failed and stopped writing: {self._error}"
            ) from self._error

    def _accept(self) -> None:
        self._accepted += 1
        size = self._queue.qsize()
        if size > self._max_queued:
            self._max_queued = size

    def __call__(self, name: str, doc: Doc) -> None:
        self._check()
        try:
            self._queue.put_nowait((name, doc))
        except asyncio.QueueFull:
            self._rejected += 1
            raise WriterError(
                f"LiveWriter queue is full ({self._maxsize} documents): "
                f"{type(self.writer).__name__} is slower than the documents arrive. Use "
                "'await live.put(name, doc)' for back-pressure, or raise maxsize."
            ) from None
        self._accept()

    async def put(self, name: str, doc: Doc) -> None:
        """Queue a document, waiting while the queue is full."""
        self._check()
        if self._queue.full():
            self._waited += 1
        await self._queue.put((name, doc))
        self._accept()

    async def _consume(self) -> None:
        queue = self._queue
        while True:
            item = await queue.get()
            batch = [item]
            while not queue.empty():
                batch.append(queue.get_nowait())
            for entry in batch:
                if entry is _STOP:
                    await self._drain()
                    return
                if self._error is None:
                    try:
                        self.writer(*entry)
                        self._written += 1
                    except Exception as exc:  # reported, never raised into the producer
                        self._error = exc
            self._batches += 1
            await self._drain()

    async def _drain(self) -> None:
        if self._error is None:
            try:
                await self.writer.drain()
            except Exception as exc:  # reported in statistics() and on exit
                self._error = exc

    async def __aenter__(self) -> LiveWriter:
        group = asyncio.TaskGroup()
        await group.__aenter__()
        self._group = group
        name = f"LiveWriter({type(self.writer).__name__})"
        self._task = group.create_task(self._consume(), name=name)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        group, self._group = self._group, None
        task = self._task
        assert group is not None
        assert task is not None
        try:
            async with asyncio.timeout(self.close_timeout):
                await self._queue.put(_STOP)
                await asyncio.shield(task)
        except TimeoutError:
            task.cancel()
            self._error = self._error or WriterError(
                f"LiveWriter did not finish writing within close_timeout={self.close_timeout} "
                f"s; {self._queue.qsize()} queued documents were not written."
            )
        finally:
            with contextlib.suppress(asyncio.CancelledError):
                await group.__aexit__(None, None, None)
            await asyncio.shield(self.writer.aclose())
        if exc is None and self._error is not None:
            raise WriterError(
                f"{type(self.writer).__name__} failed while writing live: {self._error}"
            ) from self._error
