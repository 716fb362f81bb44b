"""Live writing: a bounded queue between the document source and a writer.

The RunEngine has its own consumer queues; this is the thin optional wrapper for
everyone else (a script feeding documents, a catalog replay, a test).
"""

from __future__ import annotations

import asyncio
import collections
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
        self._items: collections.deque[Any] = collections.deque()
        self._waiter: asyncio.Future[None] | None = None
        self._space = asyncio.Event()
        self._group: asyncio.TaskGroup | None = None
        self._task: asyncio.Task[None] | None = None
        self._maxsize = maxsize
        self._max_queued = self._accepted = self._written = 0
        self._rejected = self._waited = self._batches = 0
        self._error: BaseException | None = None

    def statistics(self) -> LiveWriterStatistics:
        return LiveWriterStatistics(
            maxsize=self._maxsize,
            queued=len(self._items),
            max_queued=self._max_queued,
            accepted=self._accepted + len(self._items),
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

    def _push(self, item: Any) -> None:
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def __call__(self, name: str, doc: Doc) -> None:
        if self._error is not None or self._group is None:
            self._check()
        if len(self._items) >= self._maxsize:
            self._rejected += 1
            raise WriterError(
                f"LiveWriter queue is full ({self._maxsize} documents): "
                f"{type(self.writer).__name__} is slower than the documents arrive. Use "
                "'await live.put(name, doc)' for back-pressure, or raise maxsize."
            )
        self._push((name, doc))

    async def put(self, name: str, doc: Doc) -> None:
        """Queue a document, waiting while the queue is full (back-pressure)."""
        if self._error is not None or self._group is None:
            self._check()
        if len(self._items) >= self._maxsize:
            self._waited += 1
            while len(self._items) >= self._maxsize:
                self._space.clear()
                await self._space.wait()
                self._check()
        self._push((name, doc))

    async def _consume(self) -> None:
        loop = asyncio.get_running_loop()
        writer = self.writer
        while True:
            if not self._items:
                self._waiter = loop.create_future()
                await self._waiter
                self._waiter = None
            batch, self._items = self._items, collections.deque()
            self._space.set()
            stop = batch[-1] is _STOP
            if stop:
                batch.pop()
            self._accepted += len(batch)
            if len(batch) > self._max_queued:  # the queue only grows between swaps
                self._max_queued = len(batch)
            if self._error is None:
                written = 0
                try:
                    for name, doc in batch:
                        writer(name, doc)
                        written += 1
                except Exception as exc:  # reported, never raised into the producer
                    self._error = exc
                    self._space.set()
                self._written += written
            self._batches += 1
            await self._drain()
            if stop:
                return

    async def _drain(self) -> None:
        if self._error is None:
            try:
                await self.writer.drain()
            except Exception as exc:  # reported in statistics() and on exit
                self._error = exc
                self._space.set()

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
                self._items.append(_STOP)
                if self._waiter is not None and not self._waiter.done():
                    self._waiter.set_result(None)
                await asyncio.shield(task)
        except TimeoutError:
            task.cancel()
            self._error = self._error or WriterError(
                f"LiveWriter did not finish writing within close_timeout={self.close_timeout} "
                f"s; {len(self._items)} queued documents were not written."
            )
        finally:
            with contextlib.suppress(asyncio.CancelledError):
                await group.__aexit__(None, None, None)
            await asyncio.shield(self.writer.aclose())
        if exc is None and self._error is not None:
            raise WriterError(
                f"{type(self.writer).__name__} failed while writing live: {self._error}"
            ) from self._error
