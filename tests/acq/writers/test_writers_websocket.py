"""WebSocket destination against a real aiohttp WebSocket server."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import aiohttp
import h5py
import pytest
from aiohttp import web
from writer_docs import scalar_run

import acq
from acq.writers import JSONLWriter, LiveWriter, NeXusWriter, WebSocketDestination, read_jsonl


@dataclass
class _Server:
    url: str = ""
    bodies: dict[str, bytearray] = field(default_factory=dict)
    messages: dict[str, int] = field(default_factory=dict)
    first_bytes: asyncio.Event = field(default_factory=asyncio.Event)
    close_code: int = aiohttp.WSCloseCode.OK
    ping: bool = False


@pytest.fixture
async def server() -> AsyncIterator[_Server]:
    srv = _Server()

    async def receive(request: web.Request) -> web.WebSocketResponse:
        name = request.match_info["name"]
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        body = srv.bodies.setdefault(name, bytearray())
        if srv.ping:
            await ws.ping(b"hi")
        async for msg in ws:
            if msg.type == aiohttp.WSMsgType.BINARY:
                body += msg.data
                srv.messages[name] = srv.messages.get(name, 0) + 1
                srv.first_bytes.set()
                if srv.close_code != aiohttp.WSCloseCode.OK:  # refuse after one message
                    await ws.close(code=srv.close_code)
        await ws.close()
        return ws

    async def plain(request: web.Request) -> web.Response:
        return web.Response(text="not a websocket")

    app = web.Application()
    app.router.add_get("/runs/{name}", receive)
    app.router.add_get("/plain/{name}", plain)
    runner = web.AppRunner(app, shutdown_timeout=2)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    srv.url = f"ws://127.0.0.1:{runner.addresses[0][1]}/runs"
    try:
        yield srv
    finally:
        await runner.cleanup()


async def test_jsonl_streams_live_over_websocket(server: _Server) -> None:
    server.ping = True
    docs = scalar_run(20)
    writer = JSONLWriter(WebSocketDestination(server.url), file_prefix="{start[scan_id]}")
    async with LiveWriter(writer) as live:
        for name, doc in docs[:-1]:
            await live.put(name, doc)
        await asyncio.wait_for(server.first_bytes.wait(), 5)  # seen while the run is open
        await live.put(*docs[-1])
    body = bytes(server.bodies["7.jsonl"])
    assert [n for n, _ in read_jsonl(body)] == [n for n, _ in docs]
    assert writer.artifacts["stream_data"] == [f"{server.url}/7.jsonl"]
    assert writer.destination.close_codes == {"7.jsonl": 1000}  # type: ignore[attr-defined]


async def test_large_nexus_file_is_one_message(server: _Server) -> None:
    writer = NeXusWriter(WebSocketDestination(server.url), file_prefix="{start[scan_id]}")
    async with writer:
        for name, doc in scalar_run(300):
            await writer.write(name, doc)
    assert server.messages["7.nxs"] == 1
    assert len(server.bodies["7.nxs"]) > 1 << 16  # 64-bit length frames
    with h5py.File(io.BytesIO(bytes(server.bodies["7.nxs"])), "r") as f:
        assert f["entry/primary/det"].shape == (300,)


async def test_server_close_code_is_reported(server: _Server) -> None:
    server.close_code = aiohttp.WSCloseCode.INTERNAL_ERROR
    writer = JSONLWriter(WebSocketDestination(server.url))
    writer.consume(scalar_run(1))
    with pytest.raises(acq.WriterError, match="closed the WebSocket with code 1011"):
        await writer.aclose()


async def test_not_a_websocket_endpoint(server: _Server) -> None:
    url = server.url.replace("/runs", "/plain")
    writer = JSONLWriter(WebSocketDestination(url, timeout=5))
    writer.consume(scalar_run(1))
    with pytest.raises(acq.WriterError, match="refused the WebSocket handshake"):
        await writer.drain()
    with pytest.raises(acq.WriterError, match="refused the WebSocket handshake"):
        await writer.aclose()


def test_bad_url() -> None:
    with pytest.raises(acq.WriterError, match="expected 'ws://host"):
        WebSocketDestination("http://example.org/x")


async def test_unreachable_server() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    writer = JSONLWriter(WebSocketDestination(f"ws://127.0.0.1:{port}/x", timeout=5))
    writer.consume(scalar_run(1))
    with pytest.raises(acq.WriterError, match=r"cannot reach .* Is the service running"):
        await writer.drain()
