"""Document subscribers: direct callbacks on the hot path, queued consumers behind them.

A plain callback ``cb(name, doc)`` is called synchronously as each document is
made; an exception in it is logged and counted, not raised (unless the engine
is ``strict``). A queued consumer (``RE.subscribe(cb, queue_size=N)`` or any
``async def`` callback) sits behind a bounded queue drained by a task the
engine owns while a plan runs: when the queue is full the engine waits for it
at the next document boundary (back-pressure) and counts how often it waited.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

__all__: list[str] = []

log = logging.getLogger("acq.engine")

DOC_NAMES = (
    "start",
    "descriptor",
    "event",
    "event_page",
    "stop",
    "resource",
    "datum",
    "datum_page",
    "stream_resource",
    "stream_datum",
)

Callback = Callable[[str, dict[str, Any]], Any]


class _QueuedConsumer:
    """A bounded FIFO of documents in front of a (sync or async) consumer."""

    def __init__(self, func: Callback, maxsize: int, strict: bool) -> None:
        self.func = func
        self.maxsize = maxsize
        self.strict = strict
        self.is_async = inspect.iscoroutinefunction(func)
        self.items: deque[tuple[str, dict[str, Any]]] = deque()
        self.delivered = 0
        self.high_water = 0
        self.backpressure_waits = 0
        self.errors = 0
        self.wakeup = asyncio.Event()
        self.space = asyncio.Event()
        self.failure: BaseException | None = None
        """The error of a strict consumer (it then gets no more documents)."""
        self.raised = False
        """Whether the engine has raised ``failure`` into the plan already."""
        self.on_failure: Callable[[], None] | None = None
        self.closing = False

    def __call__(self, name: str, doc: dict[str, Any]) -> None:
        self.items.append((name, doc))
        n = len(self.items)
        if n > self.high_water:
            self.high_water = n
        self.wakeup.set()

    @property
    def full(self) -> bool:
        return len(self.items) >= self.maxsize

    async def drain_forever(self) -> None:
        """Deliver documents until told to close (then deliver what is left and return).

        The engine resets ``closing`` before starting this task: a run that ends
        before the task first runs must still find ``closing`` set.
        """
        while True:
            await self.drain_now()
            if self.closing and not self.items:
                return
            if not self.items:
                self.wakeup.clear()
                await self.wakeup.wait()

    async def drain_now(self) -> None:
        while self.items:
            if self.failure is not None:  # a strict consumer failed: it gets no more
                self.items.clear()
                break
            name, doc = self.items.popleft()
            try:
                out = self.func(name, doc)
                if self.is_async:
                    await out
            except Exception as exc:
                self.errors += 1
                if self.strict:
                    self.failure = exc
                    self.raised = False
                    if self.on_failure is not None:
                        self.on_failure()
                    continue
                log.exception("document consumer %r failed on %r document", self.func, name)
            self.delivered += 1
            if len(self.items) < self.maxsize:
                self.space.set()
            if self.delivered % 256 == 0:
                await asyncio.sleep(0)
        self.space.set()

    def statistics(self) -> dict[str, Any]:
        return {
            "consumer": getattr(self.func, "__qualname__", repr(self.func)),
            "queued": len(self.items),
            "maxsize": self.maxsize,
            "high_water": self.high_water,
            "delivered": self.delivered,
            "backpressure_waits": self.backpressure_waits,
            "errors": self.errors,
        }


class _Subscriptions:
    """Who gets which documents; ``emit`` is the hot path."""

    def __init__(self, strict: bool) -> None:
        self.strict = strict
        self.by_name: dict[str, list[Callback]] = {n: [] for n in DOC_NAMES}
        self.tokens: dict[int, tuple[str, Callback]] = {}
        self.queues: list[_QueuedConsumer] = []
        self._next = 0
        self.errors = 0
        self.emitted = dict.fromkeys(DOC_NAMES, 0)

    def subscribe(self, func: Callback, name: str = "all", queue_size: int | None = None) -> int:
        if not callable(func):
            raise TypeError(f"RE.subscribe needs a callable cb(name, doc), got {func!r}.")
        if name != "all" and name not in self.by_name:
            raise ValueError(
                f"RE.subscribe(name={name!r}): name must be 'all' or one of {', '.join(DOC_NAMES)}."
            )
        target: Callback = func
        if queue_size is not None or inspect.iscoroutinefunction(func):
            size = queue_size if queue_size is not None else 1000
            if size < 1:
                raise ValueError(f"RE.subscribe(queue_size={size}): must be >= 1.")
            q = _QueuedConsumer(func, size, self.strict)
            self.queues.append(q)
            target = q
        for n in DOC_NAMES if name == "all" else (name,):
            self.by_name[n].append(target)
        self._next += 1
        self.tokens[self._next] = (name, target)
        return self._next

    def unsubscribe(self, token: int) -> None:
        try:
            name, target = self.tokens.pop(token)
        except KeyError:
            raise ValueError(
                f"RE.unsubscribe({token!r}): no subscription with that token."
            ) from None
        for n in DOC_NAMES if name == "all" else (name,):
            self.by_name[n].remove(target)
        if isinstance(target, _QueuedConsumer):
            self.queues.remove(target)

    def emit(self, name: str, doc: dict[str, Any]) -> None:
        self.emitted[name] += 1
        for cb in self.by_name[name]:
            try:
                cb(name, doc)
            except Exception:
                self.errors += 1
                if self.strict:
                    raise
                log.exception("callback %r failed on %r document", cb, name)

    def take_failure(self) -> BaseException | None:
        """The first strict queued-consumer failure not raised yet (marked raised)."""
        for q in self.queues:
            if q.failure is not None and not q.raised:
                q.raised = True
                return q.failure
        return None

    def congested(self) -> bool:
        return any(q.full for q in self.queues)
