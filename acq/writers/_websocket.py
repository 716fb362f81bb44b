"""WebSocket client destination: each artifact is one WebSocket connection.

Streaming formats send what was written at every ``await drain()`` as one binary
message; formats that seek (HDF5, TIFF) send the whole file as one message at
``await writer.aclose()``, which then closes each connection (code 1000) and
waits for the server's close. RFC 6455 client side on plain asyncio streams
(no extra dependency): masked frames, no extensions, no TLS (use a proxy).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import os
import struct
from urllib.parse import quote, urlsplit

import numpy as np

from acq._exceptions import WriterError
from acq.writers._web import HttpDestination, _Stream

_GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
_BINARY, _CLOSE, _PING, _PONG = 0x2, 0x8, 0x9, 0xA
_MAX_HEADER = 16 * 1024


def _frame(opcode: int, payload: bytes) -> bytes:
    """One final, masked client frame."""
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    mask = os.urandom(4)
    data = np.frombuffer(payload, dtype=np.uint8)
    key = np.resize(np.frombuffer(mask, dtype=np.uint8), n)
    return head + mask + np.bitwise_xor(data, key).tobytes()


async def _read_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """(opcode, payload) of one server frame (servers do not mask)."""
    b0, b1 = await reader.readexactly(2)
    n = b1 & 0x7F
    if n == 126:
        (n,) = struct.unpack("!H", await reader.readexactly(2))
    elif n == 127:
        (n,) = struct.unpack("!Q", await reader.readexactly(8))
    mask = await reader.readexactly(4) if b1 & 0x80 else b""
    payload = await reader.readexactly(n)
    if mask:
        key = np.resize(np.frombuffer(mask, dtype=np.uint8), n)
        payload = np.bitwise_xor(np.frombuffer(payload, dtype=np.uint8), key).tobytes()
    return b0 & 0x0F, payload


async def _close(writer: asyncio.StreamWriter) -> None:
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()


class WebSocketDestination(HttpDestination):
    """Send each artifact over a WebSocket to ``<url>/<artifact name>``.

    ``url`` is ``ws://host[:port]/path``. ``close_codes`` records the close code
    the server answered for each artifact (1000 = all received).
    """

    def __init__(self, url: str, *, timeout: float = 10.0) -> None:
        parts = urlsplit(url)
        if parts.scheme != "ws" or not parts.hostname:
            raise WriterError(
                f"WebSocketDestination url {url!r}: expected 'ws://host[:port]/path' "
                "(plain WebSocket; put TLS in a proxy in front of the service)."
            )
        super().__init__("http" + url[2:], timeout=timeout)
        self.url = url.rstrip("/")
        self.close_codes = self.responses

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
        key = base64.b64encode(os.urandom(16))
        writer.write(
            (
                f"GET {self.path}/{quote(name)} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key.decode()}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError) as exc:
            await _close(writer)
            raise WriterError(
                f"{self.location(name)} gave no WebSocket handshake answer ({exc!r}). "
                "Is it a WebSocket endpoint?"
            ) from exc
        lines = head[:_MAX_HEADER].decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
        accept = base64.b64encode(hashlib.sha1(key + _GUID).digest()).decode()
        if lines[0].split()[1:2] != ["101"] or headers.get("sec-websocket-accept") != accept:
            await _close(writer)
            raise WriterError(
                f"{self.location(name)} refused the WebSocket handshake: {lines[0]!r}. "
                "Is it a WebSocket endpoint?"
            )
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
            stream.writer.write(_frame(_BINARY, data))
        if final:
            stream.writer.write(_frame(_CLOSE, struct.pack("!H", 1000)))
        try:
            await stream.writer.drain()
        except OSError as exc:
            raise WriterError(f"sending {self.location(name)} failed: {exc}") from exc

    async def _finish(self, name: str, stream: _Stream) -> None:
        await self._send(name, stream, final=True)
        assert stream.reader is not None
        assert stream.writer is not None
        code = 1006  # no close frame seen
        try:
            while True:
                opcode, payload = await _read_frame(stream.reader)
                if opcode == _PING:
                    stream.writer.write(_frame(_PONG, payload))
                elif opcode == _CLOSE:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                    break
        except (asyncio.IncompleteReadError, OSError):
            pass
        finally:
            await _close(stream.writer)
        self.responses[name] = code
        if code != 1000:
            raise WriterError(
                f"{self.location(name)} closed the WebSocket with code {code}; expected "
                "1000 (all received). Check the service's log."
            )
