"""Run slow callbacks off the hot path: a bounded buffer drained by a worker thread."""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Literal

from acq.callbacks._base import Document
from acq.documents import pack_event_page

__all__ = ["BufferStatistics", "BufferedCallback", "Callback", "dispatch"]

Callback = Callable[[str, Document], Awaitable[None] | None]
Policy = Literal["coalesce", "drop"]

_log = logging.getLogger("acq.callbacks")
_EVENTS = ("event", "event_page")


async def dispatch(callback: Callback, name: str, doc: Document) -> None:
    """Call a sync or async callback with ``(name, doc)`` and await it if needed."""
    result = callback(name, doc)
    if inspect.isawaitable(result):
        await result


@dataclass(frozen=True)
class BufferStatistics:
    """Counters of a :class:`BufferedCallback` (documents unless said otherwise)."""

    received: int
    delivered: int
    queued: int
    max_queued: int
    dropped_events: int
    coalesced_events: int
    errors: int
    last_error: str | None
    worker_running: bool


def _rows(name: str, doc: Document) -> int:
    return 1 if name == "event" else len(doc["seq_num"])


def _merge(page: Document, name: str, doc: Document) -> None:
    """Append ``doc`` (an event or page of the same descriptor) to our own ``page``."""
    extra = pack_event_page(doc) if name == "event" else doc
    for key in ("uid", "seq_num", "time"):
        page[key].extend(extra[key])
    for key in ("data", "timestamps", "filled"):
        target = page.setdefault(key, {})
        for field, values in extra.get(key, {}).items():
            target.setdefault(field, []).extend(values)


class BufferedCallback:
    """Wrap a slow ``callback`` so the caller (the engine) never waits for it.

    Calling the wrapper appends ``(name, doc)`` to a bounded buffer and returns
    at once; a worker thread delivers documents in order. When the buffer holds
    ``maxsize`` documents, further events follow ``policy``:

    - ``"coalesce"`` (default, lossless): merged into an ``event_page`` with the
      queued events of the same descriptor, so a plot redraws once per batch;
    - ``"drop"``: discarded and counted (for views where only the latest matters).

    Start, descriptor, stop and resource documents are never dropped or merged.
    ``callback`` may be sync or ``async``; an async one runs on the worker's own
    event loop. Errors are logged and counted, never raised into the caller.
    The worker exits once the buffer is empty after a stop document (or after
    ``idle_timeout`` seconds idle) and starts again with the next document.
    """

    def __init__(
        self,
        callback: Callback,
        *,
        maxsize: int = 1000,
        policy: Policy = "coalesce",
        idle_timeout: float = 5.0,
    ) -> None:
        if policy not in ("coalesce", "drop"):
            raise ValueError(
                f"BufferedCallback policy must be 'coalesce' or 'drop', got {policy!r}"
            )
        if maxsize < 1:
            raise ValueError(f"BufferedCallback maxsize must be >= 1, got {maxsize}")
        self.callback = callback
        self.maxsize = maxsize
        self.policy = policy
        self.idle_timeout = idle_timeout
        self._queue: deque[tuple[str, Document, bool]] = deque()  # (name, doc, owned page)
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._busy = False
        self._stats = {"received": 0, "delivered": 0, "max_queued": 0, "dropped": 0}
        self._stats.update({"coalesced": 0, "errors": 0})
        self._last_error: str | None = None

    def __call__(self, name: str, doc: Document) -> None:
        with self._cond:
            self._stats["received"] += 1
            if name in _EVENTS and len(self._queue) >= self.maxsize:
                if self.policy == "drop":
                    self._stats["dropped"] += _rows(name, doc)
                    return
                if self._coalesce(name, doc):
                    return
            self._queue.append((name, doc, False))
            self._stats["max_queued"] = max(self._stats["max_queued"], len(self._queue))
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._work, name=f"acq-callback-{id(self):x}", daemon=True
                )
                self._thread.start()
            self._cond.notify_all()

    def _coalesce(self, name: str, doc: Document) -> bool:
        """Merge into the newest queued page of the same descriptor (not past a control doc)."""
        for i in range(len(self._queue) - 1, -1, -1):
            qname, qdoc, owned = self._queue[i]
            if qname not in _EVENTS:
                return False
            if qdoc["descriptor"] != doc["descriptor"]:
                continue
            if not owned:
                page = pack_event_page(qdoc) if qname == "event" else _copy_page(qdoc)
                self._queue[i] = ("event_page", page, True)
                qdoc = page
            _merge(qdoc, name, doc)
            self._stats["coalesced"] += _rows(name, doc)
            return True
        return False

    def _work(self) -> None:
        runner: asyncio.Runner | None = None
        try:
            while True:
                with self._cond:
                    if not self._queue:
                        self._cond.wait_for(lambda: bool(self._queue), self.idle_timeout)
                    if not self._queue:
                        self._thread = None
                        self._cond.notify_all()
                        return
                    name, doc, _ = self._queue.popleft()
                    self._busy = True
                try:
                    result = self.callback(name, doc)
                    if inspect.isawaitable(result):
                        runner = runner or asyncio.Runner()
                        runner.run(_await(result))
                except Exception as exc:
                    _log.exception("callback %r failed on a %s document", self.callback, name)
                    with self._cond:
                        self._stats["errors"] += 1
                        self._last_error = f"{type(exc).__name__}: {exc}"
                with self._cond:
                    self._busy = False
                    self._stats["delivered"] += 1
                    if name == "stop" and not self._queue:
                        self._thread = None
                        self._cond.notify_all()
                        return
                    self._cond.notify_all()
        finally:
            if runner is not None:
                runner.close()

    def flush(self, timeout: float | None = None) -> bool:
        """Block until every buffered document was delivered; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while self._queue or self._busy:
                left = None if deadline is None else deadline - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cond.wait(left)
        return True

    async def drain(self, timeout: float | None = None) -> None:
        """Await delivery of every buffered document (``TimeoutError`` after ``timeout``)."""
        if not await asyncio.to_thread(self.flush, timeout):
            stats = self.statistics()
            raise TimeoutError(
                f"BufferedCallback({self.callback!r}) still had {stats.queued} document(s) "
                f"queued after {timeout} s; the callback is slower than the documents arrive"
            )

    def statistics(self) -> BufferStatistics:
        """A snapshot of the counters."""
        with self._cond:
            s = self._stats
            return BufferStatistics(
                received=s["received"],
                delivered=s["delivered"],
                queued=len(self._queue),
                max_queued=s["max_queued"],
                dropped_events=s["dropped"],
                coalesced_events=s["coalesced"],
                errors=s["errors"],
                last_error=self._last_error,
                worker_running=self._thread is not None,
            )


async def _await(awaitable: Awaitable[None]) -> None:
    await awaitable


def _copy_page(page: Document) -> Document:
    out: Document = {k: list(page[k]) for k in ("uid", "seq_num", "time")}
    out["descriptor"] = page["descriptor"]
    for key in ("data", "timestamps", "filled"):
        out[key] = {f: list(v) for f, v in page.get(key, {}).items()}
    return out
