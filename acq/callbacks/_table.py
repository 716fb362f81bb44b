"""LiveTable: one row per event, rich in terminals and plain text in logs/notebooks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.text import Text

from acq.callbacks._base import Document, _Consumer
from acq.callbacks._output import Mode, _default_console, _plain_writer, _resolve_mode

__all__ = ["LiveTable"]


@dataclass
class _Column:
    key: str
    title: str
    width: int
    precision: int | None

    def format(self, value: Any) -> str:
        text = _format_value(value, self.precision)
        if len(text) > self.width:
            text = text[: self.width - 1] + "…"
        return text.rjust(self.width)


def _format_value(value: Any, precision: int | None) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{3 if precision is None else precision}f}"
    shape = getattr(value, "shape", None)
    if shape is not None and shape != ():
        return "array(" + "x".join(str(n) for n in shape) + ")"
    if isinstance(value, list | tuple):
        return f"list({len(value)})"
    item = getattr(value, "item", None)  # numpy scalars
    if item is not None:
        return _format_value(item(), precision)
    return str(value)


def _hinted_fields(descriptor: Document) -> list[str]:
    fields: list[str] = []
    for hint in (descriptor.get("hints") or {}).values():
        fields.extend(f for f in hint.get("fields", ()) if f not in fields)
    return fields


def _dimension_fields(start: Document) -> list[str]:
    dims = (start.get("hints") or {}).get("dimensions")
    if dims:
        return [f for fields, _stream in dims for f in fields if f != "time"]
    return []


class LiveTable(_Consumer):
    """Print a table row for every event of the followed stream(s).

    Columns are ``seq_num``, ``time`` and the chosen ``fields`` (default: the
    start document's dimension hints followed by the descriptor's hinted fields,
    or every scalar field when there are no hints). Headers carry the data key's
    ``units`` and numbers use its ``precision`` (else ``default_precision``).

    ``mode="auto"`` renders with rich (bold header, box rules) on a terminal and
    writes clean plain text to logs, pipes and Jupyter; ``"rich"``/``"plain"``
    force one. ``out`` (a callable taking one line) replaces the console in plain
    mode. ``streams`` picks the event streams shown (default ``("primary",)``;
    ``None`` shows all, each under its own header).
    """

    def __init__(
        self,
        fields: Sequence[str] | None = None,
        *,
        streams: Iterable[str] | None = ("primary",),
        console: Console | None = None,
        mode: Mode = "auto",
        out: Callable[[str], object] | None = None,
        default_precision: int = 3,
        min_width: int = 10,
    ) -> None:
        super().__init__(streams)
        self.console = console if console is not None else _default_console()
        self._mode = _resolve_mode(mode, self.console)
        self._write = _plain_writer(self.console, out)
        self._fields = None if fields is None else list(fields)
        self._default_precision = default_precision
        self._min_width = min_width
        self._start: Document = {}
        self._columns: dict[str, list[_Column]] = {}  # descriptor uid -> columns
        self._current: str | None = None  # descriptor whose header was printed last
        self._rows = 0
        self._rule = ""
        self._bar = "|" if self._mode == "plain" else "│"

    @property
    def mode(self) -> str:
        """``"rich"`` or ``"plain"``: how this table renders."""
        return self._mode

    def start(self, doc: Document) -> None:
        self._start = doc
        self._columns.clear()
        self._current = None
        self._rows = 0

    def descriptor(self, doc: Document) -> None:
        if not self._wanted(doc["uid"]):
            return
        keys = doc.get("data_keys", {})
        fields = self._fields
        if fields is None:
            fields = [f for f in _dimension_fields(self._start) if f in keys]
            hinted = [f for f in _hinted_fields(doc) if f in keys and f not in fields]
            if not hinted:
                hinted = [k for k, v in keys.items() if not v.get("shape") and k not in fields]
            fields += hinted
        cols = [_Column("seq_num", "seq_num", 7, None), _Column("time", "time", 12, None)]
        for f in fields:
            if f not in keys:
                continue
            units = keys[f].get("units")
            title = f"{f} ({units})" if units else f
            prec = keys[f].get("precision")
            prec = self._default_precision if prec is None else int(prec)
            cols.append(_Column(f, title, max(self._min_width, len(title)), prec))
        self._columns[doc["uid"]] = cols

    def event(self, doc: Document) -> None:
        cols = self._columns.get(doc["descriptor"])
        if cols is None:
            return
        if self._current != doc["descriptor"]:
            self._header(doc["descriptor"], cols)
        data = doc["data"]
        cells = [str(doc["seq_num"]).rjust(7), _clock(doc["time"])]
        for col in cols[2:]:
            cells.append(col.format(data.get(col.key)))
        bar = self._bar
        self._line(bar + " " + f" {bar} ".join(cells) + " " + bar, None)
        self._rows += 1

    def stop(self, doc: Document) -> None:
        if self._current is not None:
            self._line(self._rule, None)
        status = doc.get("exit_status", "?")
        reason = doc.get("reason") or ""
        uid = str(self._start.get("uid", doc.get("run_start", "")))[:8]
        summary = f"Run {uid} finished: {status}, {self._rows} rows"
        self._line(
            summary + (f" ({reason})" if reason else ""),
            "bold" if status == "success" else "bold red",
        )
        self._current = None

    def _header(self, descriptor_uid: str, cols: list[_Column]) -> None:
        stream = self.stream_of(descriptor_uid) or "primary"
        titles = [c.title.rjust(c.width) for c in cols]
        bar = self._bar
        header = bar + " " + f" {bar} ".join(titles) + " " + bar
        dash, cross = ("-", "+") if self._mode == "plain" else ("─", "┼")
        self._rule = cross + cross.join(dash * (c.width + 2) for c in cols) + cross
        if self._streams is None or len(self._streams) > 1:
            self._line(f"stream: {stream}", "italic")
        self._line(self._rule, None)
        self._line(header, "bold cyan")
        self._line(self._rule, None)
        self._current = descriptor_uid

    def _line(self, line: str, style: str | None) -> None:
        if self._mode == "plain":
            self._write(line)
        else:
            self.console.print(Text(line, style=style or ""), soft_wrap=True)


_second_cache: list[tuple[int, str]] = [(-1, "")]  # (second, "HH:MM:SS"), swapped whole


def _clock(t: float) -> str:
    """``HH:MM:SS.mmm`` local time (the formatted second is cached across rows)."""
    second = int(t)
    cached, hms = _second_cache[0]
    if cached != second:
        hms = time.strftime("%H:%M:%S", time.localtime(t))
        _second_cache[0] = (second, hms)
    return f"{hms}.{int((t - second) * 1000):03d}"
