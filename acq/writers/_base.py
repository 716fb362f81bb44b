"""The writer interface: a document consumer ``writer(name, doc)``.

See docs/explanations/decisions/0007-writers.md for why ``__call__`` is sync and
``write``/``drain``/``aclose`` are the async side.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable
from typing import IO, Any

from acq._exceptions import AcqError, WriterError
from acq.documents import DOCUMENT_NAMES, unpack_datum_page, unpack_event_page
from acq.writers._destinations import Destination, _as_destination, render_template
from acq.writers._external import _External

Doc = dict[str, Any]


class Writer:
    """Base class of every acq writer (format) — a consumer of ``(name, doc)`` pairs.

    * ``writer(name, doc)``: the synchronous fast path the RunEngine calls; it
      checks order, keeps the bookkeeping (descriptors, resources) and hands the
      document to the method named like it (``start``, ``event``, ...).
    * ``await writer.write(name, doc)``: the same, then ``drain()`` for
      destinations that move bytes asynchronously (web clients).
    * ``close()`` / ``await aclose()``: idempotent; a run without a stop document
      is finalised so every file is readable.
    * ``artifacts``: ``{label: [locations]}`` of what was written.

    A writer takes runs one after another (not interleaved).
    """

    #: default file-name template; ``file_prefix`` overrides it
    default_prefix = "{start[uid]}"
    #: False for formats that seek back into their files (HDF5, TIFF)
    streaming = True

    def __init__(
        self,
        destination: Destination | str | os.PathLike[str],
        *,
        file_prefix: str | None = None,
    ) -> None:
        self.destination = _as_destination(destination)
        self.file_prefix = file_prefix if file_prefix is not None else self.default_prefix
        self.artifacts: dict[str, list[str]] = {}
        self.closed = False
        self.run_start: Doc | None = None
        self.descriptors: dict[str, Doc] = {}
        self.external = _External()
        self._open_files: list[IO[bytes]] = []
        self._dispatch: dict[str, Callable[[Doc], None]] = {
            name: getattr(self, f"_on_{name}") for name in DOCUMENT_NAMES
        }

    # ------------------------------------------------------------------ consuming
    def __call__(self, name: str, doc: Doc) -> None:
        try:
            handler = self._dispatch[name]
        except KeyError:
            raise WriterError(
                f"{type(self).__name__} got a document named {name!r}; expected one of "
                f"{', '.join(DOCUMENT_NAMES)}."
            ) from None
        if self.closed:
            raise WriterError(f"{type(self).__name__} is closed; make a new writer.")
        try:
            handler(doc)
        except WriterError:
            self._keep_partial()
            raise

    def _keep_partial(self) -> None:
        """After a refused document: put everything valid so far into the files.

        The refused document is not written; the run stays open (the caller may go
        on or ``close()``, which finalises a readable partial file). No file is
        removed. See decision 0007.
        """
        if self.run_start is not None:
            with contextlib.suppress(AcqError, OSError):
                self.flush()

    async def write(self, name: str, doc: Doc) -> None:
        """Consume one document, then let the destination push its bytes out."""
        self(name, doc)
        if self.destination.needs_async:
            await self.drain()

    async def drain(self) -> None:
        """Push buffered bytes to an asynchronous destination (no-op for files)."""
        self.flush()
        await self.destination.drain()

    def consume(self, docs: Iterable[tuple[str, Doc]]) -> None:
        """Feed a whole document stream (after the fact)."""
        for name, doc in docs:
            self(name, doc)

    # ------------------------------------------------------------------ ordering checks
    def _require_run(self, name: str) -> Doc:
        if self.run_start is None:
            raise WriterError(
                f"{type(self).__name__} got a {name!r} document outside a run; a start "
                "document must come first."
            )
        return self.run_start

    def _descriptor_of(self, name: str, doc: Doc) -> Doc:
        self._require_run(name)
        try:
            return self.descriptors[doc["descriptor"]]
        except KeyError:
            raise WriterError(
                f"{name} {doc.get('uid')!r} refers to descriptor {doc.get('descriptor')!r} "
                "that this writer has not seen; send the descriptor before its events."
            ) from None

    def _on_start(self, doc: Doc) -> None:
        if self.run_start is not None:
            raise WriterError(
                f"{type(self).__name__} got start {doc.get('uid')!r} while run "
                f"{self.run_start.get('uid')!r} is open; send its stop first (one run at a "
                "time per writer)."
            )
        self.run_start = doc
        self.descriptors = {}
        self.start(doc)

    def _on_descriptor(self, doc: Doc) -> None:
        self._require_run("descriptor")
        self.descriptors[doc["uid"]] = doc
        self.descriptor(doc)

    def _on_event(self, doc: Doc) -> None:
        self.event(doc, self._descriptor_of("event", doc))

    def _on_event_page(self, doc: Doc) -> None:
        self.event_page(doc, self._descriptor_of("event_page", doc))

    def _on_stop(self, doc: Doc) -> None:
        self._require_run("stop")
        self.stop(doc)
        self._finish_run()

    def _on_resource(self, doc: Doc) -> None:
        self._require_run("resource")
        self.external.resources[doc["uid"]] = doc
        self.resource(doc)

    def _on_datum(self, doc: Doc) -> None:
        self._require_run("datum")
        if doc["resource"] not in self.external.resources:
            raise WriterError(
                f"datum {doc.get('datum_id')!r} refers to resource {doc['resource']!r} "
                "that was never seen; send the resource first."
            )
        self.external.datums[doc["datum_id"]] = doc
        self.datum(doc)

    def _on_datum_page(self, doc: Doc) -> None:
        self._require_run("datum_page")
        for datum in unpack_datum_page(doc):
            self._on_datum(datum)

    def _on_stream_resource(self, doc: Doc) -> None:
        self._require_run("stream_resource")
        self.external.stream_resources[doc["uid"]] = doc
        self.stream_resource(doc)

    def _on_stream_datum(self, doc: Doc) -> None:
        self._require_run("stream_datum")
        if doc["stream_resource"] not in self.external.stream_resources:
            raise WriterError(
                f"stream_datum {doc.get('uid')!r} refers to stream_resource "
                f"{doc['stream_resource']!r} that was never seen; send it first."
            )
        self.stream_datum(doc)

    # ------------------------------------------------------------------ format hooks
    # Each hook is called after the ordering checks. The defaults ignore the
    # document explicitly (bookkeeping already happened in the base class).
    def start(self, doc: Doc) -> None:
        """A run starts (``self.run_start`` is set)."""

    def descriptor(self, doc: Doc) -> None:
        """A stream is described (already in ``self.descriptors``)."""

    def event(self, doc: Doc, descriptor: Doc) -> None:
        """One event of the stream ``descriptor``."""

    def event_page(self, doc: Doc, descriptor: Doc) -> None:
        """Default: handled as its events, one by one."""
        for event in unpack_event_page(doc):
            self.event(event, descriptor)

    def stop(self, doc: Doc) -> None:
        """The run ends (the base class then calls ``finish_run``)."""

    def resource(self, doc: Doc) -> None:
        """Old-style external resource (remembered for filling)."""

    def datum(self, doc: Doc) -> None:
        """Old-style datum (remembered for filling; datum pages arrive as datums)."""

    def stream_resource(self, doc: Doc) -> None:
        """A stream resource (remembered for filling)."""

    def stream_datum(self, doc: Doc) -> None:
        """A block of external stream data is ready."""

    def finish_run(self) -> None:
        """Finalise the run's files (called on stop, or on close for a run never stopped)."""

    def flush(self) -> None:
        """Push buffered data to the open files."""
        for f in self._open_files:
            f.flush()

    # ------------------------------------------------------------------ files
    def prefix(self) -> str:
        """The sanitised file-name prefix of the current run."""
        return render_template(self.file_prefix, self._require_run("start"))

    def open_artifact(self, label: str, name: str, *, append: bool = False) -> IO[bytes]:
        """Open ``name`` on the destination and record it under ``artifacts[label]``."""
        f = self.destination.open(name, append=append, streaming=self.streaming)
        self._open_files.append(f)
        where = self.destination.location(name)
        paths = self.artifacts.setdefault(label, [])
        if where not in paths:
            paths.append(where)
        return f

    def _finish_run(self) -> None:
        try:
            self.finish_run()
        finally:
            for f in self._open_files:
                f.close()
            self._open_files = []
            self.external.close()
            self.run_start = None

    def close(self) -> None:
        """Finish the open run (if any) and release every file. Idempotent."""
        if self.closed:
            return
        self.closed = True
        if self.run_start is not None:
            self._finish_run()

    async def aclose(self) -> None:
        """``close()`` then finish asynchronous transfers. Idempotent."""
        self.close()
        await self.destination.aclose()

    def __enter__(self) -> Writer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def __aenter__(self) -> Writer:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


def _export(
    cls: type[Writer],
    docs: Iterable[tuple[str, Doc]],
    destination: Destination | str | os.PathLike[str],
    **options: Any,
) -> dict[str, list[str]]:
    writer = cls(destination, **options)
    try:
        writer.consume(docs)
    finally:
        writer.close()
    return writer.artifacts
