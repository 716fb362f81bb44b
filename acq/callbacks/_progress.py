"""Progress bars: the whole plan, moves and fly scans; rich on terminals, text elsewhere."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn

from acq.callbacks._base import Document, _Consumer
from acq.callbacks._output import Mode, _default_console, _plain_writer, _resolve_mode

__all__ = ["ProgressBars", "ProgressReporter", "ProgressUpdate"]


@dataclass(frozen=True)
class ProgressUpdate:
    """One report: ``name`` is at ``current`` on its way from ``initial`` to ``target``."""

    name: str
    current: float
    target: float | None
    initial: float = 0.0
    units: str = ""
    time_elapsed: float | None = None
    time_remaining: float | None = None

    @property
    def fraction(self) -> float | None:
        """Done fraction in [0, 1]; ``None`` when the target is unknown."""
        if self.target is None:
            return None
        span = self.target - self.initial
        if span == 0:
            return 1.0
        return min(1.0, max(0.0, (self.current - self.initial) / span))


@runtime_checkable
class ProgressReporter(Protocol):
    """What the engine and devices report progress to (moves, fly scans, waits)."""

    def update(
        self,
        name: str,
        current: float,
        target: float | None,
        initial: float = 0.0,
        units: str = "",
        time_elapsed: float | None = None,
        time_remaining: float | None = None,
    ) -> None:
        """``name`` is at ``current`` on its way from ``initial`` to ``target``."""

    def finish(self, name: str, success: bool = True) -> None:
        """``name`` is done (or failed); its bar is completed and closed."""


@dataclass
class _Task:
    key: str
    label: str
    last: ProgressUpdate
    started: float
    bucket: int = -1  # plain mode: the last 10 % step printed
    printed_at: float = -1.0
    rich_id: TaskID | None = None
    done: bool = False
    fields: dict[str, Any] = field(default_factory=dict)


def _hms(seconds: float | None) -> str:
    if seconds is None or seconds != seconds or seconds < 0:
        return "-:--:--"
    s = round(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def _num(x: float) -> str:
    return f"{x:.4g}"


class ProgressBars(_Consumer):
    """Progress bars for a run (from documents) and for moves and flyers (from updates).

    As a document callback it shows the plan's progress: ``num_points`` from the
    start document counts events of the primary stream; without it an
    ``estimated_duration`` (seconds) in the start metadata gives a time-based
    bar; otherwise a counter. ``stream_datum`` documents advance a "frames" bar
    per data key (fly scans). As a :class:`ProgressReporter` it shows any
    ``update(name, current, target, ...)`` (the engine feeds status progress of
    moves here; :meth:`watcher` adapts to a bluesky-style ``Status.watch``).

    ``mode="auto"`` draws rich bars on terminals and prints plain lines at every
    10 % step in logs and Jupyter. ``clock`` is injectable for tests.
    """

    def __init__(
        self,
        *,
        console: Console | None = None,
        mode: Mode = "auto",
        out: Callable[[str], object] | None = None,
        clock: Callable[[], float] = time.monotonic,
        min_interval: float = 0.1,
    ) -> None:
        super().__init__(streams=("primary",))
        self.console = console if console is not None else _default_console()
        self._mode = _resolve_mode(mode, self.console)
        self._write = _plain_writer(self.console, out)
        self._clock = clock
        self._min_interval = min_interval
        self._tasks: dict[str, _Task] = {}
        self._progress: Progress | None = None
        self._last_refresh = -1.0
        self._plan_key: str | None = None
        self._plan_by_time = False

    @property
    def mode(self) -> str:
        """``"rich"`` or ``"plain"``."""
        return self._mode

    # -- ProgressReporter ----------------------------------------------------------
    def update(
        self,
        name: str,
        current: float,
        target: float | None,
        initial: float = 0.0,
        units: str = "",
        time_elapsed: float | None = None,
        time_remaining: float | None = None,
    ) -> None:
        upd = ProgressUpdate(name, current, target, initial, units, time_elapsed, time_remaining)
        task = self._tasks.get(name)
        if task is None or task.done:
            task = _Task(name, name, upd, self._clock())
            self._tasks[name] = task
        task.last = upd
        self._render(task, final=False)

    def finish(self, name: str, success: bool = True) -> None:
        task = self._tasks.get(name)
        if task is None or task.done:
            return
        last = task.last
        if success and last.target is not None:
            task.last = ProgressUpdate(
                name, last.target, last.target, last.initial, last.units, None, 0.0
            )
        task.done = True
        task.fields["status"] = "done" if success else "FAILED"
        self._render(task, final=True)
        if all(t.done for t in self._tasks.values()):
            self._close()

    def watcher(self, name: str | None = None) -> Callable[..., None]:
        """A callback for ``Status.watch`` (bluesky / ophyd-async keyword updates)."""

        def watch(**kw: Any) -> None:
            key = name or kw.get("name") or "move"
            current, target = kw.get("current"), kw.get("target")
            if current is None:
                return
            initial = kw.get("initial")
            self.update(
                str(key),
                float(current),
                None if target is None else float(target),
                float(current if initial is None else initial),
                str(kw.get("unit") or kw.get("units") or ""),
                kw.get("time_elapsed"),
                kw.get("time_remaining"),
            )

        return watch

    def track(self, status: Any, name: str) -> None:
        """Show a status's progress: its ``watch`` updates, closed when it completes.

        ``status`` follows the bluesky Status protocol (``add_callback``), and
        may also be watchable (``watch(callback)``, as ophyd-async's movers).
        Without ``watch`` the bar shows only start and end.
        """
        if name not in self._tasks or self._tasks[name].done:
            self.update(name, 0.0, None)
        watch = getattr(status, "watch", None)
        if callable(watch):
            watch(self.watcher(name))

        def done(st: Any) -> None:
            self.finish(name, success=bool(getattr(st, "success", True)))

        status.add_callback(done)

    def statistics(self) -> dict[str, Any]:
        """Open and finished bars with their last fraction."""
        return {
            k: {"fraction": t.last.fraction, "current": t.last.current, "done": t.done}
            for k, t in self._tasks.items()
        }

    # -- documents -------------------------------------------------------------------
    def start(self, doc: Document) -> None:
        self._close()
        self._tasks.clear()
        plan = doc.get("plan_name", "plan")
        key = f"scan {doc.get('scan_id', '')} {plan}".replace("  ", " ")
        self._plan_key = key
        total, units = doc.get("num_points"), "points"
        self._plan_by_time = False
        if total is None and doc.get("estimated_duration") is not None:
            total, units = float(doc["estimated_duration"]), "s"
            self._plan_by_time = True
        self.update(key, 0.0, None if total is None else float(total), 0.0, units)

    def event_page(self, doc: Document) -> None:
        self._advance_plan(len(doc["seq_num"]))

    def stream_datum(self, doc: Document) -> None:
        indices = doc.get("indices") or {}
        key = f"frames {doc.get('stream_resource', '')[:8]}"
        desc = self._descriptors.get(doc.get("descriptor", ""))
        if desc is not None:
            key = f"{desc.get('name', 'stream')} frames"
        prev = self._tasks.get(key)
        target = prev.last.target if prev is not None and not prev.done else None
        self.update(key, float(indices.get("stop", 0)), target, 0.0, "frames")

    def stop(self, doc: Document) -> None:
        ok = doc.get("exit_status") == "success"
        for key in list(self._tasks):
            self.finish(key, success=ok)
        self._close()

    def _advance_plan(self, n: int) -> None:
        task = self._tasks.get(self._plan_key or "")
        if task is None or task.done:
            return
        last = task.last
        if self._plan_by_time:
            current = self._clock() - task.started
            if last.target is not None:
                current = min(current, last.target)
        else:
            current = last.current + n
        self.update(task.key, current, last.target, 0.0, last.units)

    # -- rendering -------------------------------------------------------------------
    def _render(self, task: _Task, final: bool) -> None:
        if self._mode == "plain":
            self._render_plain(task, final)
        else:
            self._render_rich(task, final)

    def _describe(self, task: _Task) -> tuple[str, str, str]:
        upd = task.last
        elapsed = upd.time_elapsed
        if elapsed is None:
            elapsed = self._clock() - task.started
        remaining = upd.time_remaining
        frac = upd.fraction
        if remaining is None and frac and 0 < frac < 1:
            remaining = elapsed * (1 - frac) / frac
        if task.done:
            remaining = 0.0
        units = f" {upd.units}" if upd.units else ""
        if upd.target is None:
            amount = f"{_num(upd.current)}{units}"
        elif upd.initial == 0 and upd.current >= 0 and upd.target >= 0:
            amount = f"{_num(upd.current)}/{_num(upd.target)}{units}"
        else:
            amount = f"{_num(upd.current)} -> {_num(upd.target)}{units}"
        return amount, _hms(elapsed), _hms(remaining)

    def _render_plain(self, task: _Task, final: bool) -> None:
        frac = task.last.fraction
        now = self._clock()
        if frac is None:
            if not final and task.printed_at >= 0 and now - task.printed_at < 1.0:
                return
        else:
            bucket = min(int(frac * 10 + 1e-9), 10 if final else 9)
            if not final and bucket <= task.bucket:
                return
            task.bucket = bucket
        task.printed_at = now
        amount, elapsed, remaining = self._describe(task)
        if frac is None:
            bar = "[" + "?" * 20 + "]"
            pct = "    "
        else:
            filled = int(frac * 20 + 1e-9)
            bar = "[" + "#" * filled + "-" * (20 - filled) + "]"
            pct = f"{frac * 100:3.0f}%"
        status = task.fields.get("status", "")
        line = f"{task.label:24} {bar} {pct}  {amount}  elapsed {elapsed}  left {remaining}"
        self._write((line + f"  {status}").rstrip())

    def _render_rich(self, task: _Task, final: bool) -> None:
        if self._progress is None:
            self._progress = Progress(
                TextColumn("[bold blue]{task.description}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TextColumn("{task.fields[amount]}"),
                TextColumn("[cyan]{task.fields[elapsed]}[/] elapsed"),
                TextColumn("[magenta]{task.fields[remaining]}[/] left"),
                TextColumn("{task.fields[status]}"),
                console=self.console,
                auto_refresh=False,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            self._progress.start()
        amount, elapsed, remaining = self._describe(task)
        frac = task.last.fraction
        fields = {
            "amount": amount,
            "elapsed": elapsed,
            "remaining": remaining,
            "status": task.fields.get("status", ""),
        }
        total = None if frac is None else 1000.0
        completed = 0.0 if frac is None else frac * 1000.0
        if task.rich_id is None:
            task.rich_id = self._progress.add_task(
                task.label, total=total, completed=int(completed), **fields
            )
        self._progress.update(task.rich_id, total=total, completed=completed, **fields)
        now = self._clock()
        if final or now - self._last_refresh >= self._min_interval:
            self._last_refresh = now
            self._progress.refresh()

    def _close(self) -> None:
        if self._progress is not None:
            self._progress.refresh()
            self._progress.stop()
            self._progress = None
