"""Channel Access: acq's CaSignalBackend vs raw aioca and ophyd-async, one real IOC.

The script starts an IOC (``python -m epicscorelibs.ioc``) serving ``--pvs``
ai records plus ``records.db`` on a port of 127.0.0.1, then measures, alternating
acq / anchor:

- connect N PVs (fresh channels each repetition) vs aioca ``caget`` of the same
  PVs (which connects them) -- goal: within 1.3x, i.e. ratio >= 0.77;
- sequential get latency vs ``aioca.caget`` -- goal: within 1.15x (ratio >= 0.87);
- put-with-callback latency vs ``aioca.caput(wait=True)`` -- goal: within 1.15x;
- ``count`` of 10 CA signals with acq's RunEngine vs bluesky's RunEngine with
  ophyd-async CA signals (which bluesky stages, so ophyd-async reads them from
  its monitor cache), for acq both reading each time and with ``monitor=True``
  (events/s; goal >= 10x);
- the same ``count`` of ONE ``StandardReadable`` holding the 10 CA signals (its
  ``read()`` does the 10 round trips concurrently) vs an ophyd-async
  ``StandardReadable`` of the same PVs (cached by staging, as above);
- monitor updates delivered from a record updating at ~500 Hz (a calcout
  ping-pong in the IOC) vs aioca ``camonitor(all_updates=True)``: the rate and
  the fraction delivered (goal 100 %).

ophyd-async's CA signals are measured alongside for connect/get/put (figures
named ``... [ophyd-async]``).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aioca

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._harness import Bench, _version
from devices.epics import CaSignalBackend
from devices.epics.testing import SoftIoc, ca_client_environment

P = "BENCH:"


def _bench_db(n: int, folder: Path) -> Path:
    path = folder / "bench.db"
    path.write_text(
        "".join(
            f'record(ai, "$(P)pv{i}") {{ field(VAL, "{i}") field(PINI, "YES") }}\n'
            for i in range(n)
        )
    )
    return path


class _Runner:
    """One event loop for the whole run; fresh channel caches where asked."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()

    def run(self, coro: Any) -> Any:
        return self.loop.run_until_complete(coro)

    def close(self) -> None:
        self.run(self._purge())
        self.loop.close()

    @staticmethod
    async def _purge() -> None:
        aioca.purge_channel_caches()


async def _connect_acq(pvs: list[str]) -> float:
    aioca.purge_channel_caches()
    t0 = time.perf_counter()
    backends = [CaSignalBackend(float, pv) for pv in pvs]
    await asyncio.gather(*(b.connect(30.0) for b in backends))
    return time.perf_counter() - t0


async def _connect_aioca(pvs: list[str]) -> float:
    aioca.purge_channel_caches()
    t0 = time.perf_counter()
    await aioca.caget(pvs, timeout=30.0)
    return time.perf_counter() - t0


async def _connect_ophyd(pvs: list[str]) -> float:
    from ophyd_async.epics.core import epics_signal_r

    aioca.purge_channel_caches()
    t0 = time.perf_counter()
    signals = [epics_signal_r(float, pv) for pv in pvs]
    await asyncio.gather(*(s.connect(timeout=30.0) for s in signals))
    return time.perf_counter() - t0


async def _timed_loop(n: int, op: Any) -> float:
    t0 = time.perf_counter()
    for i in range(n):
        await op(i)
    return time.perf_counter() - t0


def _monitor(
    runner: _Runner, n: int, subscribe: Any, counts: dict[str, list[float]], who: str
) -> Any:
    async def once() -> float:
        got: list[float] = []
        done = asyncio.Event()

        def on_value(value: float) -> None:
            got.append(value)
            if len(got) >= n:
                done.set()

        close = subscribe(on_value)
        await asyncio.sleep(0.2)  # the first (current) value
        got.clear()
        await aioca.caput(P + "fast:enable", 1)
        t0 = time.perf_counter()
        await asyncio.wait_for(done.wait(), 120)
        elapsed = time.perf_counter() - t0
        await aioca.caput(P + "fast:enable", 0)
        close()
        first, last = got[0], got[n - 1]
        counts.setdefault(who, []).append(n / (last - first + 1))  # delivered / produced
        return elapsed

    return lambda: runner.run(once())


def main() -> None:
    bench = Bench("ca", description=__doc__)
    args = bench.parse_args(
        defaults={"pvs": 1000, "gets": 2000, "updates": 1000, "events": 500},
        quick={"pvs": 50, "gets": 50, "updates": 50, "events": 10},
    )
    ca_client_environment()
    with tempfile.TemporaryDirectory() as tmp:
        db = _bench_db(args.pvs, Path(tmp))
        with SoftIoc([(db, f"P={P}"), ("records.db", f"P={P}")]):
            runner = _Runner()
            try:
                _measure(bench, runner, args)
            finally:
                runner.close()
    bench.report(anchors=("aioca", "ophyd-async"))


def _measure(bench: Bench, runner: _Runner, args: Any) -> None:
    pvs = [f"{P}pv{i}" for i in range(args.pvs)]
    aioca_name = f"aioca {_version('aioca')}"
    ophyd_name = f"ophyd-async {_version('ophyd-async')}"
    for label, anchor, name in (
        ("", _connect_aioca, aioca_name),
        (" [ophyd-async]", _connect_ophyd, ophyd_name),
    ):
        bench.compare(
            f"connect {args.pvs} PVs{label}",
            unit="PVs/s",
            n=args.pvs,
            acq=lambda: runner.run(_connect_acq(pvs)),
            anchor=lambda a=anchor: runner.run(a(pvs)),  # type: ignore[misc]
            anchor_name=name,
            goal="within 1.3x (ratio >= 0.77)" if not label else None,
            goal_ratio=0.77 if not label else None,
        )
    ai, ao = P + "ai", P + "ao"
    backend_ai: CaSignalBackend[float] = CaSignalBackend(float, ai)
    backend_ao: CaSignalBackend[float] = CaSignalBackend(float, ao)
    runner.run(backend_ai.connect(10.0))
    runner.run(backend_ao.connect(10.0))
    from ophyd_async.epics.core import epics_signal_rw

    o_ai, o_ao = epics_signal_rw(float, ai), epics_signal_rw(float, ao)
    runner.run(o_ai.connect())
    runner.run(o_ao.connect())
    n = args.gets
    for label, anchor, name in (
        ("", lambda i: aioca.caget(ai), aioca_name),
        (" [ophyd-async]", lambda i: o_ai.get_value(), ophyd_name),
    ):
        bench.compare(
            f"sequential get{label}",
            unit="us/get",
            n=n,
            kind="time",
            acq=lambda: runner.run(_timed_loop(n, lambda i: backend_ai.get_value())),
            anchor=lambda a=anchor: runner.run(_timed_loop(n, a)),  # type: ignore[misc]
            anchor_name=name,
            goal="within 1.15x (ratio >= 0.87)" if not label else None,
            goal_ratio=0.87 if not label else None,
        )
    for label, anchor, name in (
        ("", lambda i: aioca.caput(ao, float(i % 50), wait=True), aioca_name),
        (" [ophyd-async]", lambda i: o_ao.set(float(i % 50)), ophyd_name),
    ):
        bench.compare(
            f"put with callback{label}",
            unit="us/put",
            n=n,
            kind="time",
            acq=lambda: runner.run(
                _timed_loop(n, lambda i: backend_ao.put(float(i % 50), wait=True))
            ),
            anchor=lambda a=anchor: runner.run(_timed_loop(n, a)),  # type: ignore[misc]
            anchor_name=name,
            goal="within 1.15x (ratio >= 0.87)" if not label else None,
            goal_ratio=0.87 if not label else None,
        )
    _measure_monitor(bench, runner, args.updates, aioca_name)
    _measure_count(bench, runner, pvs[:10], args.events)
    _measure_device_count(bench, runner, pvs[:10], args.events)


def _measure_monitor(bench: Bench, runner: _Runner, n: int, aioca_name: str) -> None:
    fast: CaSignalBackend[float] = CaSignalBackend(float, P + "fast")
    runner.run(fast.connect(10.0))
    counts: dict[str, list[float]] = {}

    def acq_subscribe(cb: Any) -> Any:
        fast.set_callback(lambda r: cb(r["value"]))
        return lambda: fast.set_callback(None)

    def aioca_subscribe(cb: Any) -> Any:
        return aioca.camonitor(P + "fast", cb, all_updates=True).close

    extra: dict[str, Any] = {}
    bench.compare(
        "monitor updates delivered",
        unit="updates/s",
        n=n,
        acq=_monitor(runner, n, acq_subscribe, counts, "acq"),
        anchor=_monitor(runner, n, aioca_subscribe, counts, "aioca"),
        anchor_name=f"{aioca_name} camonitor(all_updates=True)",
        goal="100 % delivered",
        extra=extra,
    )
    extra["delivered_fraction"] = {who: round(min(v), 4) for who, v in counts.items()}
    extra["acq_max_backlog"] = fast.statistics()["max_backlog"]
    fig = bench.figures[-1]
    fig.update(extra)
    fig["met"] = extra["delivered_fraction"]["acq"] >= 1.0


def _measure_count(bench: Bench, runner: _Runner, pvs: list[str], n: int) -> None:
    import acq
    from devices.epics import EpicsSignalRO
    from plans import count

    anchor = _bluesky_count(pvs, n)
    anchor_name = f"bluesky {_version('bluesky')} + ophyd-async {_version('ophyd-async')}"
    for monitor in (False, True):
        signals = [
            EpicsSignalRO(pv, name=f"s{i}", datatype=float, monitor=monitor)
            for i, pv in enumerate(pvs)
        ]
        RE = acq.RunEngine()

        async def connect(sigs: list[Any] = signals) -> None:
            await asyncio.gather(*(s.connect() for s in sigs))

        async def run(sigs: list[Any] = signals, engine: Any = RE) -> None:
            await engine(count(sigs, n))

        runner.run(connect())
        label = " (monitor=True)" if monitor else ""
        bench.compare(
            f"count of {len(pvs)} CA signals{label}",
            unit="events/s",
            n=n,
            acq=lambda r=run: runner.run(r()),  # type: ignore[misc]
            anchor=anchor,
            anchor_name=anchor_name,
            goal=">= 10x",
            goal_ratio=10.0,
        )


def _measure_device_count(bench: Bench, runner: _Runner, pvs: list[str], n: int) -> None:
    import acq
    from devices import StandardReadable
    from devices.epics import EpicsSignalRO
    from plans import count

    class Ten(StandardReadable):
        def __init__(self) -> None:
            with self.add_children_as_readables():
                for i, pv in enumerate(pvs):
                    setattr(self, f"s{i}", EpicsSignalRO(pv, datatype=float))
            super().__init__(name="ten")

    dev, RE = Ten(), acq.RunEngine()
    runner.run(dev.connect())

    async def run() -> None:
        await RE(count([dev], n))

    bench.compare(
        f"count of a device of {len(pvs)} CA signals",
        unit="events/s",
        n=n,
        acq=lambda: runner.run(run()),
        anchor=_bluesky_count(pvs, n, device=True),
        anchor_name=f"bluesky {_version('bluesky')} + ophyd-async {_version('ophyd-async')}",
    )  # no goal: acq does 10 round trips per event, the anchor reads its staged cache


def _bluesky_count(pvs: list[str], n: int, device: bool = False) -> Any:
    import bluesky.plans as bp
    from bluesky import RunEngine
    from bluesky.run_engine import call_in_bluesky_event_loop
    from ophyd_async.epics.core import epics_signal_r

    RE = RunEngine({}, call_returns_result=True)
    signals = [epics_signal_r(float, pv, name=f"s{i}") for i, pv in enumerate(pvs)]

    detectors: list[Any] = signals
    if device:
        from ophyd_async.core import StandardReadable

        class Ten(StandardReadable):
            def __init__(self) -> None:
                with self.add_children_as_readables():
                    for i, sig in enumerate(signals):
                        setattr(self, f"s{i}", sig)
                super().__init__(name="ten")

        detectors = [Ten()]

    async def connect() -> None:
        await asyncio.gather(*(d.connect() for d in detectors))

    call_in_bluesky_event_loop(connect())

    def run() -> None:
        RE(bp.count(detectors, n))

    return run


if __name__ == "__main__":
    main()
