"""HttpDestination against a real aiohttp server (chunked uploads, streamed live)."""

from __future__ import annotations

import asyncio
import io
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import h5py
import pytest
from aiohttp import web
from writer_docs import scalar_run

import acq
from acq.writers import HttpDestination, JSONLWriter, LiveWriter, NeXusWriter, read_jsonl


@dataclass
class _Service:
    url: str
    bodies: dict[str, bytearray] = field(default_factory=dict)
    chunked: dict[str, bool] = field(default_factory=dict)
    first_bytes: asyncio.Event = field(default_factory=asyncio.Event)
    status: int = 200


@pytest.fixture
async def service() -> AsyncIterator[_Service]:
    svc = _Service(url="")

    async def upload(request: web.Request) -> web.Response:
        name = request.match_info["name"]
        svc.chunked[name] = request.headers.get("Transfer-Encoding") == "chunked"
        body = svc.bodies.setdefault(name, bytearray())
        async for chunk in request.content.iter_any():
            body += chunk
            svc.first_bytes.set()
        return web.Response(status=svc.status, text="stored")

    app = web.Application()
    app.router.add_post("/runs/{name}", upload)
    runner = web.AppRunner(app, shutdown_timeout=2)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    svc.url = f"http://127.0.0.1:{port}/runs"
    try:
        yield svc
    finally:
        await runner.cleanup()


async def test_jsonl_streams_live_to_the_service(service: _Service) -> None:
    docs = scalar_run(20)
    writer = JSONLWriter(HttpDestination(service.url), file_prefix="{start[scan_id]}")
    async with LiveWriter(writer) as live:
        for name, doc in docs[:-1]:
            await live.put(name, doc)
        # the service sees documents while the run is still open
        await asyncio.wait_for(service.first_bytes.wait(), 5)
        await live.put(*docs[-1])
    assert service.chunked["7.jsonl"]
    assert [n for n, _ in read_jsonl(bytes(service.bodies["7.jsonl"]))] == [n for n, _ in docs]
    assert writer.artifacts["stream_data"] == [f"{service.url}/7.jsonl"]
    assert writer.destination.responses == {"7.jsonl": 200}  # type: ignore[attr-defined]


async def test_write_and_drain_after_the_fact(service: _Service) -> None:
    writer = JSONLWriter(HttpDestination(service.url), file_prefix="x")
    for name, doc in scalar_run(2):
        await writer.write(name, doc)
    await asyncio.wait_for(service.first_bytes.wait(), 5)  # sent before the request ends
    await writer.drain()
    await writer.aclose()
    await writer.aclose()
    assert len(list(read_jsonl(bytes(service.bodies["x.jsonl"])))) == 7


async def test_nexus_is_uploaded_whole(service: _Service) -> None:
    writer = NeXusWriter(HttpDestination(service.url), file_prefix="{start[scan_id]}")
    async with writer:
        for name, doc in scalar_run(3):
            await writer.write(name, doc)
    with h5py.File(io.BytesIO(bytes(service.bodies["7.nxs"])), "r") as f:
        assert f["entry/primary/det"][:].tolist() == [0.0, 1.0, 4.0]


async def test_service_error_is_reported(service: _Service) -> None:
    service.status = 507
    writer = JSONLWriter(HttpDestination(service.url))
    writer.consume(scalar_run(1))
    with pytest.raises(acq.WriterError, match=r"answered 'HTTP/1\.1 507"):
        await writer.aclose()


async def test_unreachable_service() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    writer = JSONLWriter(HttpDestination(f"http://127.0.0.1:{port}/x", timeout=5))
    writer.consume(scalar_run(1))
    with pytest.raises(acq.WriterError, match=r"cannot reach .* Is the service running"):
        await writer.drain()


def test_bad_url() -> None:
    with pytest.raises(acq.WriterError, match="expected 'http://host"):
        HttpDestination("https://example.org/x")
