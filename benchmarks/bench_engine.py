"""RunEngine throughput and overheads, acq side by side with bluesky's RunEngine.

Method: the same device objects run under both engines in one process,
alternating acq / bluesky. The count and scan figures use ``devices.sim``
(``SimMotor`` in instant mode and a ``SimDetector`` following it, no noise,
zero exposure); the earlier figures with minimal bluesky-compatible devices
defined here (a soft detector and an instant motor with done statuses) are
kept, and the 10-detector figure uses a detector whose trigger and read each
take 2 ms. acq runs `async def` plans that send the same messages as bluesky's
`count`/`scan` (stage, open_run, checkpoint, trigger, wait, create, read,
save, close_run; reads of several devices are started eagerly in device order
and only those that must wait get a task); bluesky runs
`bluesky.plans.count/scan`. bluesky's count runs at most --anchor-max events
per repetition and its time is scaled linearly to n (its per-event cost is
constant; ``anchor_n`` in the JSON says how many it ran), so a 100,000-event
figure takes minutes, not hours. The acq plan library's own `plans.count` is
measured as well. Both engines have one no-op document subscriber. RSS growth
and import time are measured in fresh subprocesses.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._harness import Bench, _version  # noqa: E402


class Done:
    """A finished, successful status (awaitable, and bluesky-callback style)."""

    done = True
    success = True

    def add_callback(self, cb: Any) -> None:
        cb(self)

    def exception(self) -> None:
        return None

    def __await__(self) -> Any:
        return iter(())


DONE = Done()


class SoftDet:
    """Detector with instant trigger and a sync read."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.parent = None
        self.value = 1.0

    def trigger(self) -> Done:
        return DONE

    def read(self) -> dict[str, Any]:
        return {self.name: {"value": self.value, "timestamp": time.time()}}

    def describe(self) -> dict[str, Any]:
        return {self.name: {"source": f"sim://{self.name}", "dtype": "number", "shape": []}}

    def read_configuration(self) -> dict[str, Any]:
        return {}

    def describe_configuration(self) -> dict[str, Any]:
        return {}


class InstantMotor(SoftDet):
    """Motor whose moves complete at once."""

    hints = {"fields": []}

    def set(self, value: float) -> Done:
        self.value = value
        return DONE


class SlowStatus:
    """Awaitable status finishing after ``delay``, with bluesky's add_callback."""

    def __init__(self, delay: float) -> None:
        self.done = False
        self.success = False
        self._cbs: list[Any] = []
        asyncio.get_running_loop().call_later(delay, self._finish)

    def _finish(self) -> None:
        self.done = self.success = True
        for cb in self._cbs:
            cb(self)

    def add_callback(self, cb: Any) -> None:
        if self.done:
            cb(self)
        else:
            self._cbs.append(cb)

    def exception(self) -> None:
        return None

    def __await__(self) -> Any:
        fut = asyncio.get_running_loop().create_future()
        self.add_callback(lambda _s: fut.done() or fut.set_result(None))
        return fut.__await__()


class SlowDet(SoftDet):
    """Detector whose trigger takes 2 ms and whose (async) read takes 2 ms."""

    def trigger(self) -> SlowStatus:
        return SlowStatus(0.002)

    async def read(self) -> dict[str, Any]:  # type: ignore[override]
        await asyncio.sleep(0.002)
        return {self.name: {"value": self.value, "timestamp": time.time()}}


# ------------------------------------------------------------------ acq plans
class _Resume:
    """Finish a coroutine that was stepped once by hand and now waits on ``first``."""

    __slots__ = ("coro", "first")

    def __init__(self, coro: Any, first: Any) -> None:
        self.coro, self.first = coro, first

    def __await__(self) -> Any:
        coro, pending = self.coro, self.first
        while True:
            try:
                value = yield pending
            except BaseException as exc:  # cancellation: pass it on
                try:
                    pending = coro.throw(exc)
                except StopIteration as done:
                    return done.value
            else:
                try:
                    pending = coro.send(value)
                except StopIteration as done:
                    return done.value


async def _finish(aw: _Resume) -> Any:
    return await aw


async def gather_eagerly(coros: list[Any]) -> list[Any]:
    """Run ``coros`` concurrently, each started at once in order; tasks only for waiters.

    Like Python 3.12's eager tasks: a coroutine that finishes without suspending
    (a read answered from memory) costs no task and no loop iteration.
    """
    results: list[Any] = [None] * len(coros)
    waiting: list[tuple[int, _Resume]] = []
    for i, coro in enumerate(coros):
        try:
            waiting.append((i, _Resume(coro, coro.send(None))))
        except StopIteration as done:
            results[i] = done.value
        except BaseException:
            for c in [*(r.coro for _, r in waiting), *coros[i + 1 :]]:
                c.close()
            raise
    if waiting:
        async with asyncio.TaskGroup() as tg:
            tasks = [(i, tg.create_task(_finish(r))) for i, r in waiting]
        for i, t in tasks:
            results[i] = t.result()
    return results


def acq_plans() -> Any:
    from acq.messages import Msg, send

    async def trigger_and_read(dets: list[Any]) -> None:
        for d in dets:
            if hasattr(d, "trigger"):  # like bluesky: only Triggerable objects
                await send(Msg("trigger", d, group="trig"))
        await send(Msg("wait", group="trig"))
        await send(Msg("create", name="primary"))
        if len(dets) == 1:
            await send(Msg("read", dets[0]))
        else:  # concurrent reads, messages in device order
            await gather_eagerly([send(Msg("read", d)) for d in dets])
        await send(Msg("save"))

    async def count(dets: list[Any], num: int) -> None:
        for d in dets:
            await send(Msg("stage", d))
        await send(Msg("open_run", plan_name="count", num_points=num))
        for _ in range(num):
            await send(Msg("checkpoint"))
            await trigger_and_read(dets)
        await send(Msg("close_run"))
        for d in dets:
            await send(Msg("unstage", d))

    async def scan(dets: list[Any], motor: Any, start: float, stop: float, num: int) -> None:
        await send(Msg("open_run", plan_name="scan", num_points=num))
        for i in range(num):
            await send(Msg("checkpoint"))
            await send(Msg("set", motor, start + (stop - start) * i / (num - 1), group="mv"))
            await send(Msg("wait", group="mv"))
            await trigger_and_read([*dets, motor])
        await send(Msg("close_run"))

    async def nulls(n: int) -> None:
        msg = Msg("null")
        for _ in range(n):
            await send(msg)

    return count, scan, nulls


def sim_devices(loop: asyncio.AbstractEventLoop) -> tuple[Any, Any]:
    """An instant ``SimMotor`` and a ``SimDetector`` following it (no noise, no exposure)."""
    from devices.sim import SimDetector, SimMotor

    motor = SimMotor("motor", instant=True)
    det = SimDetector("det", motors=[motor], noise=False)

    async def connect() -> None:
        await motor.connect()
        await det.connect()

    loop.run_until_complete(connect())
    return motor, det


def noop(name: str, doc: dict[str, Any]) -> None:
    pass


def timed_acq(loop: asyncio.AbstractEventLoop, RE: Any, make: Any) -> float:
    async def go() -> float:
        plan = make()
        t0 = time.perf_counter()
        await RE(plan)
        return time.perf_counter() - t0

    return loop.run_until_complete(go())


def timed_bluesky(RE: Any, make: Any, scale: float = 1.0) -> float:
    plan = make()
    t0 = time.perf_counter()
    RE(plan)
    return (time.perf_counter() - t0) * scale


def null_gen(n: int) -> Any:
    from bluesky.utils import Msg as BMsg

    msg = BMsg("null")
    for _ in range(n):
        yield msg


# ------------------------------------------------------------------ subprocess figures
RSS_CODE = """
import asyncio, resource, sys
sys.path.insert(0, {root!r})
from benchmarks.bench_engine import SoftDet, acq_plans, noop
import acq
count, _, _ = acq_plans()
RE = acq.RunEngine(md_path="")
RE.subscribe(noop)
det = SoftDet("det")
async def main():
    await RE(count([det], 10_000))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    await RE(count([det], {n}))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(before / 1024, after / 1024)
asyncio.run(main())
"""

IMPORT_CODE = {
    "acq": "import acq; acq.RunEngine(md_path='')",
    "bluesky": "import bluesky; from bluesky import RunEngine; RunEngine({})",
}


def import_time(which: str) -> float:
    code = (
        "import time; t0 = time.perf_counter(); "
        + IMPORT_CODE[which]
        + "; print(time.perf_counter() - t0)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return float(out.stdout.strip().splitlines()[-1])


def rss_growth(n: int) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, "-c", RSS_CODE.format(root=str(ROOT), n=n)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    before, after = out.stdout.strip().splitlines()[-1].split()
    return float(before), float(after)


def main() -> None:
    bench = Bench("engine", description=__doc__)
    args = bench.parse_args(
        defaults={
            "n": 100_000,
            "n_small": 10_000,
            "points": 2_000,
            "slow_points": 200,
            "nulls": 200_000,
            "rss_n": 1_000_000,
            "anchor_max": 10_000,
            "plan_on_acq": 2_000,
        },
        quick={
            "n": 200,
            "n_small": 100,
            "points": 50,
            "slow_points": 10,
            "nulls": 5_000,
            "rss_n": 20_000,
            "anchor_max": 200,
            "plan_on_acq": 100,
        },
    )
    from bluesky import RunEngine as BlueskyRunEngine
    from bluesky import plans as bp

    import acq

    anchor = f"bluesky {_version('bluesky')}"
    count, scan, nulls = acq_plans()
    loop = asyncio.new_event_loop()
    RE = acq.RunEngine(md_path="")
    RE.subscribe(noop)
    BRE = BlueskyRunEngine({}, call_returns_result=True)
    BRE.subscribe(noop)
    det, motor = SoftDet("det"), InstantMotor("motor")
    sim_motor, sim_det = sim_devices(loop)
    import plans

    n1, n1_anchor, p = args.n_small, min(args.n_small, args.anchor_max), args.points
    for label, d, m in (("sim", sim_det, sim_motor), ("soft", det, motor)):
        for n in (args.n_small, args.n):
            n_anchor = min(n, args.anchor_max)
            bench.compare(
                f"count {label} det ({n})",
                unit="events/s",
                n=n,
                acq=lambda n=n, d=d: timed_acq(loop, RE, lambda: count([d], n)),
                anchor=lambda n=n, na=n_anchor, d=d: timed_bluesky(
                    BRE, lambda: bp.count([d], num=na), scale=n / na
                ),
                extra={"anchor_n": n_anchor},
                anchor_name=anchor,
                kind="rate",
                goal=">= 30x and >= 40000/s",
                goal_ratio=30.0,
                goal_value=40_000,
            )
        bench.compare(
            f"plans.count {label} det ({n1})",
            unit="events/s",
            n=n1,
            acq=lambda d=d: timed_acq(loop, RE, lambda: plans.count([d], num=n1)),
            anchor=lambda d=d: timed_bluesky(
                BRE, lambda: bp.count([d], num=n1_anchor), scale=n1 / n1_anchor
            ),
            extra={"anchor_n": n1_anchor},
            anchor_name=anchor,
            kind="rate",
            goal=">= 30x and >= 40000/s",
            goal_ratio=30.0,
            goal_value=40_000,
        )
        bench.compare(
            f"scan {label} motor + {label} det",
            unit="points/s",
            n=p,
            acq=lambda d=d, m=m: timed_acq(loop, RE, lambda: scan([d], m, 0, 1, p)),
            anchor=lambda d=d, m=m: timed_bluesky(BRE, lambda: bp.scan([d], m, 0, 1, p)),
            anchor_name=anchor,
            kind="rate",
            goal=">= 20x",
            goal_ratio=20.0,
        )
    bench.compare(
        "bluesky count plan on acq engine",
        unit="events/s",
        n=args.plan_on_acq,
        acq=lambda: timed_acq(loop, RE, lambda: bp.count([det], num=args.plan_on_acq)),
        anchor=lambda: timed_bluesky(BRE, lambda: bp.count([det], num=args.plan_on_acq)),
        anchor_name=anchor,
        kind="rate",
    )
    slow = [SlowDet(f"slow{i}") for i in range(10)]
    sp = args.slow_points
    bench.compare(
        "10 dets, 2 ms trigger + 2 ms read",
        unit="ms/point",
        n=sp,
        acq=lambda: timed_acq(loop, RE, lambda: count(slow, sp)),
        anchor=lambda: timed_bluesky(BRE, lambda: bp.count(slow, num=sp)),
        anchor_name=anchor,
        kind="time",
        goal="<= 5.2 ms (1.3 x 4 ms)",
        goal_value=5.2,
    )
    bench.compare(
        "null messages",
        unit="msgs/s",
        n=args.nulls,
        acq=lambda: timed_acq(loop, RE, lambda: nulls(args.nulls)),
        anchor=lambda: timed_bluesky(BRE, lambda: null_gen(args.nulls)),
        anchor_name=anchor,
        kind="rate",
        goal=">= 5x",
        goal_ratio=5.0,
    )
    bench.compare(
        "import acq + RunEngine()",
        unit="s",
        n=1,
        acq=lambda: import_time("acq"),
        anchor=lambda: import_time("bluesky"),
        anchor_name=f"{anchor} (import + RunEngine())",
        kind="time",
        goal="<= 0.25 s",
        goal_value=0.25,
    )
    before, after = rss_growth(args.rss_n)
    growth = after - before
    bench.figures.append(
        {
            "name": f"peak RSS, {args.rss_n}-event count",
            "unit": "MiB",
            "n": args.rss_n,
            "acq": {"median": round(after, 2), "min": round(after, 2), "max": round(after, 2)},
            "peak_before_mib": round(before, 2),
            "growth_mib": round(growth, 2),
            "goal": "growth <= 5 MiB",
            "met": growth <= 5.0,
        }
    )
    print(f"peak RSS growth over the {args.rss_n}-event count: {growth:.2f} MiB")
    loop.close()
    bench.report(anchors=("bluesky", "event-model"))
    sys.stdout.flush()
    os._exit(0)  # bluesky's RunEngine keeps a loop thread alive


if __name__ == "__main__":
    main()
    json  # noqa: B018
