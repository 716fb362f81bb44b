"""Web client destination: each artifact is one HTTP/1.1 chunked POST to a service.

Streaming formats (JSONL, msgpack, CSV, SPEC) send what was written at every
``await drain()`` (a live writer drains after each batch), so a browser or
service sees documents as they come. Formats that seek (HDF5, TIFF) are
uploaded whole when the writer is closed with ``await writer.aclose()``.
Plain asyncio streams; no extra dependency.
"""

from __future__ import annotations

import asyncio
import io
import os
from urllib.parse import quote, urlsplit

from acq._exceptions import WriterError
from acq.writers._destinations import Destination


class _Upload(io.BytesIO):
    """Bytes of one artifact; streaming ones are handed out (and forgotten) on drain."""

    def __init__(self, streaming: bool) -> None:
        super().__init__()
        self.streaming = streaming
        self.sent = 0
        self.finished = False

    def take(self) -> bytes:
        """The bytes not yet sent (streaming: and forget them)."""
        data = self.getvalue()
        if self.streaming:
            super().seek(0)
            self.truncate()
            self.sent += len(data)
        return data

    def close(self) -> None:  # keep the bytes for aclose(); the destination ends it
        self.finished = True

    def seek(self, pos: int, whence: int = os.SEEK_SET) -> int:
        if self.streaming and whence != os.SEEK_END:
            raise WriterError("a streaming web upload cannot seek back.")
        return super().seek(pos, whence) + (self.sent if self.streaming else 0)


class _Stream:
    def __init__(self, upload: _Upload) -> None:
        self.upload = upload
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None


class HttpDestination(Destination):
    """POST each artifact to ``<url>/<artifact name>`` with chunked transfer encoding."""

    needs_async = True

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 10.0,
        content_type: str = "application/octet-stream",
        seekable_formats_streaming: bool = False,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise WriterError(
                f"HttpDestination url {url!r}: expected 'http://host[:port]/path' "
                "(plain HTTP; put TLS in a proxy in front of the service)."
            )
        self.url = url.rstrip("/")
        self.host = parts.hostname
        self.port = parts.port or 80
        self.path = parts.path.rstrip("/")
        self.timeout = timeout
        self.content_type = content_type
        self._streams: dict[str, _Stream] = {}
        self.responses: dict[str, int] = {}

    def open(self, name: str, *, append: bool = False, streaming: bool = True) -> _Upload:
        if name in self._streams and not self._streams[name].upload.finished:
            raise WriterError(f"web artifact {name!r} is already open.")
        upload = _Upload(streaming)
        self._streams[name] = _Stream(upload)
        return upload

    def location(self, name: str) -> str:
        return f"{self.url}/{quote(name)}"

    async def _connect(self, name: str, stream: _Stream) -> None:
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        except OSError as exc:
            raise WriterError(
                f"cannot reach {self.location(name)}: {exc.strerror or exc}. Is the service "
                "running and the URL right?"
            ) from exc
        head = (
            f"POST {self.path}/{quote(name)} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: {self.content_type}\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n"
        )
        writer.write(head.encode())
        stream.reader, stream.writer = reader, writer

    async def _send(self, name: str, stream: _Stream, final: bool) -> None:
        if not stream.upload.streaming and not final:
            return
        data = stream.upload.take()
        if not data and not final:
            return
        if stream.writer is None:
            await self._connect(name, stream)
        assert stream.writer is not None
        if data:
            stream.writer.write(b"%x\r\n%s\r\n" % (len(data), data))
        if final:
            stream.writer.write(b"0\r\n\r\n")
        try:
            await stream.writer.drain()
        except OSError as exc:
            raise WriterError(f"sending {self.location(name)} failed: {exc}") from exc

    async def drain(self) -> None:
        async with asyncio.timeout(self.timeout):
            for name, stream in self._streams.items():
                await self._send(name, stream, final=False)

    async def _finish(self, name: str, stream: _Stream) -> None:
        await self._send(name, stream, final=True)
        assert stream.reader is not None
        assert stream.writer is not None
        try:
            status_line = await stream.reader.readline()
            await stream.reader.read()
        finally:
            stream.writer.close()
            try:
                await stream.writer.wait_closed()
            except OSError:
                pass
        fields = status_line.decode("latin-1").split()
        code = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else 0
        self.responses[name] = code
        if not 200 <= code < 300:
            raise WriterError(
                f"{self.location(name)} answered {status_line.decode('latin-1').strip()!r}; "
                "expected a 2xx status. Check the service's log."
            )

    async def aclose(self) -> None:
        """Send the rest of every artifact, end each request and check the answers."""
        streams, self._streams = self._streams, {}
        try:
            async with asyncio.timeout(self.timeout):
                for name, stream in streams.items():
                    await self._finish(name, stream)
        except TimeoutError:
            raise WriterError(
                f"web upload to {self.url} did not finish within {self.timeout} s."
            ) from None
        finally:
            for stream in streams.values():
                if stream.writer is not None and not stream.writer.is_closing():
                    stream.writer.close()
