"""SPEC data files: scans appended to one file, in the layout SPEC itself writes.

File header (once per file and writer)::

    #F <file name>
    #E <epoch of the first start>
    #D <date>
    #C acq  User = <owner>
    #O0 <motor>  <motor> ...        (eight per line, two spaces apart)
    #o0 <mnemonic> ...

Scan (one per run)::

    #S <scan_id> <plan_name> <motor> <start> <stop> ... <num>   (SPEC style, see _command)
    #D <date>
    #T <count_time>  (Seconds)
    #P0 <positions of the #O motors>    (baseline reading, else the first row)
    #N <columns>
    #L <motors>  Epoch  <other scalars>  (two spaces apart)
    <rows>
    #C <date>  run ended: <exit_status>

Only the data stream (``primary``) becomes rows, and only its numeric scalar
keys become columns (SPEC holds numbers; arrays go to TIFF/HDF5 instead).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from typing import IO, Any

from acq.writers._base import Doc, Writer, _export
from acq.writers._destinations import Destination

_NUMERIC = ("number", "integer", "boolean")


def _date(t: float) -> str:
    return time.strftime("%a %b %d %H:%M:%S %Y", time.localtime(t))


def _label(name: str) -> str:
    return " ".join(name.split()) or "_"  # SPEC separates labels by two spaces


def _num(value: Any) -> str:
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    try:
        return repr(float(value))
    except (TypeError, ValueError):
        return "nan"


_SKIP_ARGS = ("detectors", "per_step", "md", "per_shot")


def _scalar_tokens(value: Any, motors: list[str]) -> list[str]:
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [_num(value)]
    if isinstance(value, str):  # a motor, as its name or its repr
        return [m for m in motors if value == m or f"'{m}'" in value][:1]
    if isinstance(value, list | tuple) and all(
        isinstance(v, str | int | float) and not isinstance(v, bool) for v in value
    ):
        return [t for v in value for t in _scalar_tokens(v, motors)]
    return []


def _command(md: Doc, motors: list[str]) -> str:
    """SPEC-style command: ``scan m1 -1 1 10`` from plan_name, motors and plan_args.

    Motor arguments become motor names, numbers are kept, everything else
    (detectors, callables, nested lists) is left out. Without usable plan_args
    the command is the plan name followed by the motors.
    """
    name = _label(str(md.get("plan_name", "scan"))).replace(" ", "_")
    args = md.get("plan_args")
    tokens: list[str] = []
    if isinstance(args, dict):
        ordered = sorted(args.items(), key=lambda kv: kv[0] != "args")  # positional first
        for key, value in ordered:
            if key not in _SKIP_ARGS:
                tokens += _scalar_tokens(value, motors)
    if not any(t not in motors for t in tokens):
        tokens = [_label(m).replace(" ", "_") for m in motors]
    return " ".join([name, *tokens])


class SpecWriter(Writer):
    """Appends each run as a scan to ``<prefix>.spec`` (artifacts label ``spec``)."""

    default_prefix = "scans"

    def __init__(
        self,
        destination: Destination | str | os.PathLike[str],
        *,
        file_prefix: str | None = None,
        stream: str = "primary",
    ) -> None:
        super().__init__(destination, file_prefix=file_prefix)
        self.stream = stream
        self._files: dict[str, IO[bytes]] = {}
        self._file: IO[bytes] | None = None
        self._columns: list[str] = []
        self._motors: list[str] = []
        self._baseline: dict[str, Any] = {}
        self._scan_open = False
        self._stopped = False
        self._data_desc: str | None = None

    def _out(self, text: str) -> None:
        assert self._file is not None
        self._file.write(text.encode())

    def _close_files(self) -> None:
        for f in self._files.values():
            f.close()
        self._files = {}

    def start(self, doc: Doc) -> None:
        name = f"{self.prefix()}.spec"
        f = self._files.get(name)
        motors = [str(m) for m in doc.get("motors", []) or []]
        if f is None:
            f = self._files[name] = self.destination.open(
                name, append=True, streaming=self.streaming
            )
            paths = self.artifacts.setdefault("spec", [])
            if self.destination.location(name) not in paths:
                paths.append(self.destination.location(name))
            f.seek(0, os.SEEK_END)
            self._file = f
            self._file_header(name, doc, motors, blank=f.tell() > 0)
        elif motors != self._motors:
            self._file = f
            self._file_header(name, doc, motors, blank=True)
        self._file = f
        self._columns, self._baseline, self._scan_open, self._data_desc = [], {}, False, None
        self._stopped = False

    def _file_header(self, name: str, doc: Doc, motors: list[str], blank: bool) -> None:
        self._motors = motors
        t = float(doc.get("time", time.time()))
        lines = ["", ""] if blank else []
        lines += [f"#F {name}", f"#E {int(t)}", f"#D {_date(t)}"]
        lines.append(f"#C acq  User = {doc.get('owner', 'unknown')}")
        for i in range(0, max(len(motors), 1), 8):
            lines.append(f"#O{i // 8} " + "  ".join(_label(m) for m in motors[i : i + 8]))
        for i in range(0, max(len(motors), 1), 8):
            lines.append(f"#o{i // 8} " + " ".join(_label(m) for m in motors[i : i + 8]))
        self._out("\n".join(lines) + "\n")

    def descriptor(self, doc: Doc) -> None:
        if doc.get("name") != self.stream or self._data_desc is not None:
            return
        self._data_desc = doc["uid"]
        scalars = [
            k
            for k, dk in doc["data_keys"].items()
            if dk.get("dtype") in _NUMERIC and not dk.get("shape") and not dk.get("external")
        ]
        self._columns = [m for m in self._motors if m in scalars]
        self._columns += [k for k in scalars if k not in self._columns]

    def event(self, doc: Doc, descriptor: Doc) -> None:
        if descriptor["uid"] != self._data_desc:
            if descriptor.get("name") == "baseline" and not self._baseline:
                self._baseline = dict(doc["data"])
            return
        if not self._scan_open:
            self._scan_header(first=doc["data"])
        start_time = float(self._require_run("event").get("time", 0.0))
        data = doc["data"]
        values = [_num(data.get(k)) for k in self._columns]
        values.insert(
            len([c for c in self._columns if c in self._motors]), _num(doc["time"] - start_time)
        )
        self._out(" ".join(values) + "\n")

    def _scan_header(self, first: dict[str, Any]) -> None:
        md = self._require_run("event")
        self._scan_open = True
        t = float(md.get("time", time.time()))
        command = _command(md, self._motors)
        n_motors = len([c for c in self._columns if c in self._motors])
        labels = [*self._columns[:n_motors], "Epoch", *self._columns[n_motors:]]
        positions = {**first, **self._baseline}
        lines = ["", f"#S {md.get('scan_id', 0)} {' '.join(command.split())}", f"#D {_date(t)}"]
        lines.append(f"#T {md.get('count_time', 0)}  (Seconds)")
        for i in range(0, max(len(self._motors), 1), 8):
            chunk = self._motors[i : i + 8]
            lines.append(f"#P{i // 8} " + " ".join(_num(positions.get(m)) for m in chunk))
        lines += [f"#N {len(labels)}", "#L " + "  ".join(_label(c) for c in labels)]
        self._out("\n".join(lines) + "\n")

    def stop(self, doc: Doc) -> None:
        if not self._scan_open:
            self._scan_header(first={})
        status = doc.get("exit_status", "unknown")
        reason = f" ({doc['reason']})" if doc.get("reason") else ""
        self._out(f"#C {_date(float(doc.get('time', time.time())))}  run ended: {status}{reason}\n")
        self._scan_open = False
        self._stopped = True

    def finish_run(self) -> None:
        if not self._stopped:  # a run that never stopped: still a complete scan block
            if not self._scan_open:
                self._scan_header(first={})
            self._out(f"#C {_date(time.time())}  run not stopped: writer closed\n")
        self._scan_open = False
        for f in self._files.values():
            f.flush()

    def flush(self) -> None:
        for f in self._files.values():
            f.flush()
        super().flush()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._close_files()


def export_spec(
    docs: Iterable[tuple[str, Doc]],
    destination: Destination | str | os.PathLike[str],
    **options: Any,
) -> dict[str, list[str]]:
    """Append each run of a document stream as a scan to a SPEC file; returns artifacts."""
    return _export(SpecWriter, docs, destination, **options)
