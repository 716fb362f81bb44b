"""Plans: dry-run simulation and plan-side message generation, side by side with bluesky.

Figures
- dry run (check_limits) of a 1,000,000-point scan: acq only (goal <= 5 s; bluesky's
  check_limits would need minutes at this size, so it is compared below at a smaller size).
- message-level check_limits of a scan, points/s: acq's simulator with the vectorised
  path switched off vs bluesky's ``check_limits_async`` on its generator plan.
- grid_scan 100x100 message generation, points/s: each plan driven by a trivial
  consumer that answers every message at once (acq: a handler bound with
  acq.messages.bind_handler; bluesky: a loop calling ``gen.send``). Reads are
  sequential in both (``concurrent_reads = False``); a second figure shows acq with
  its default concurrent reads (one task per read, as under the RunEngine).
- RunEngine level (issue 5's figure): grid_scan 100x100 and rel_scan of 10,000 points
  with instant ``devices.sim.SimMotor``s and two ``SimDetector``s, acq's plans on
  ``acq.RunEngine`` vs bluesky's plans on bluesky's RunEngine, both running the same
  kind of devices.sim objects (each engine gets its own instances; one no-op document
  subscriber each). bluesky runs at most --anchor-max points per repetition (grid_scan:
  fewer rows of the same 100-wide grid) and its time is scaled linearly to the full
  size (its per-point cost is constant; ``anchor_n`` in the JSON; the same for the
  message-level grid figures). acq's grid_scan with concurrent reads is also compared,
  alternating, with one-at-a-time reads (``RE.concurrent_reads = False``): what the
  concurrent reads of trigger_and_read cost when every device answers at once.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

import bluesky
import bluesky.plans as bp
from bluesky.simulators import check_limits_async

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import plans
from acq.messages import bind_handler, unbind_handler
from benchmarks._harness import Bench
from plans.sim import check_limits, simulate


class _Done:
    done = True
    success = True

    def exception(self, timeout: float | None = None) -> None:
        return None

    def add_callback(self, cb: Any) -> None:
        cb(self)


DONE = _Done()


class Motor:
    def __init__(self, name: str) -> None:
        self.name = name
        self.parent = None
        self.hints = {"fields": [name]}
        self.limits = (-1e9, 1e9)
        self.reading = {name: {"value": 0.0, "timestamp": 0.0}}

    def __repr__(self) -> str:
        return f"Motor({self.name!r})"

    def read(self) -> Any:
        return self.reading

    def describe(self) -> Any:
        return {self.name: {"source": "bench", "dtype": "number", "shape": []}}

    def set(self, value: float) -> Any:
        return DONE

    def check_value(self, value: float) -> None:
        if not self.limits[0] <= value <= self.limits[1]:
            raise ValueError(value)


class Det(Motor):
    set = None  # type: ignore[assignment]

    def trigger(self) -> Any:
        return DONE


def _answer(msg: Any) -> Any:
    cmd = msg.command
    if cmd in ("set", "trigger", "stage", "unstage"):
        return DONE
    if cmd == "read":
        return msg.obj.reading
    if cmd == "open_run":
        return "uid"
    return None


class Trivial:
    """The cheapest possible consumer of our messages."""

    def __init__(self, concurrent: bool) -> None:
        self.concurrent_reads = concurrent

    async def process(self, msg: Any) -> Any:
        return _answer(msg)


def drive_bluesky(gen: Any) -> None:
    ret = None
    try:
        while True:
            ret = _answer(gen.send(ret))
    except StopIteration:
        pass


async def drive_acq(plan: Any, concurrent: bool) -> None:
    token = bind_handler(Trivial(concurrent))
    try:
        await plan
    finally:
        unbind_handler(token)


def timed(fn: Any) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def sim_devices() -> Any:
    """Two instant motors and two detectors following them (no noise, no waiting)."""
    from devices.sim import SimDetector, SimMotor

    m1, m2 = SimMotor("m1", instant=True), SimMotor("m2", instant=True)
    d1 = SimDetector("d1", motors=[m1, m2], noise=False)
    d2 = SimDetector("d2", motors=[m1], noise=False)
    return m1, m2, d1, d2


def run_engine_figures(bench: Bench, args: Any) -> None:
    """acq plans on acq.RunEngine vs bluesky plans on bluesky's RunEngine."""
    from bluesky import RunEngine as BlueskyRunEngine

    import acq

    loop = asyncio.new_event_loop()
    RE = acq.RunEngine(md_path="")
    RE.subscribe(lambda name, doc: None)
    BRE = BlueskyRunEngine({}, call_returns_result=True)
    BRE.subscribe(lambda name, doc: None)
    am1, am2, ad1, ad2 = sim_devices()
    bm1, bm2, bd1, bd2 = sim_devices()
    anchor = f"bluesky {bluesky.__version__} RunEngine"

    def on_acq(make: Any, concurrent: bool = True) -> float:
        async def go() -> float:
            RE.concurrent_reads = concurrent  # read by plans' trigger_and_read
            t0 = time.perf_counter()
            await RE(make())
            return time.perf_counter() - t0

        return loop.run_until_complete(go())

    def on_bluesky(make: Any, scale: float) -> float:
        t0 = time.perf_counter()
        BRE(make())
        return (time.perf_counter() - t0) * scale

    side = args.side
    n_grid = side * side
    rows = max(1, min(side, args.anchor_max // side))

    def grid(mod: Any, m1: Any, m2: Any, dets: list[Any], n_rows: int) -> Any:
        return lambda: mod.grid_scan(dets, m1, 0, 1, n_rows, m2, 0, 1, side, snake_axes=True)

    acq_grid = grid(plans, am1, am2, [ad1, ad2], side)
    bench.compare(
        f"RE grid_scan {side}x{side}, 2 sim dets",
        unit="points/s",
        n=n_grid,
        acq=lambda: on_acq(acq_grid),
        anchor=lambda: on_bluesky(grid(bp, bm1, bm2, [bd1, bd2], rows), side / rows),
        anchor_name=anchor,
        goal=">= 20x",
        goal_ratio=20.0,
        extra={"anchor_n": rows * side},
    )
    bench.compare(
        f"RE grid_scan {side}x{side}, concurrent vs one-at-a-time reads",
        unit="points/s",
        n=n_grid,
        acq=lambda: on_acq(acq_grid),
        anchor=lambda: on_acq(acq_grid, concurrent=False),
        anchor_name="acq, one read at a time (RE.concurrent_reads = False)",
    )
    n = args.rel_n
    na = min(n, args.anchor_max)
    bench.compare(
        f"RE rel_scan {n:,} pts, 2 sim dets",
        unit="points/s",
        n=n,
        acq=lambda: on_acq(lambda: plans.rel_scan([ad1, ad2], am1, -1, 1, n)),
        anchor=lambda: on_bluesky(lambda: bp.rel_scan([bd1, bd2], bm1, -1, 1, na), n / na),
        anchor_name=anchor,
        goal=">= 20x",
        goal_ratio=20.0,
        extra={"anchor_n": na},
    )
    loop.close()


def main() -> None:
    bench = Bench("plans", description=__doc__)
    args = bench.parse_args(
        defaults={
            "n": 1_000_000,
            "n_msgs": 10_000,
            "side": 100,
            "rel_n": 10_000,
            "anchor_max": 1_000,
        },
        quick={"n": 20_000, "n_msgs": 500, "side": 10, "rel_n": 100, "anchor_max": 50},
    )
    m, m2 = Motor("m"), Motor("m2")
    d1, d2 = Det("d1"), Det("d2")

    bench.compare(
        f"dry run (check_limits) scan {args.n:,} pts",
        unit="s",
        n=args.n,
        acq=lambda: asyncio.run(check_limits(plans.scan([d1], m, -1, 1, args.n))),
        kind="time",
        goal="<= 5 s",
        goal_value=5.0,
    )

    def acq_msg_level() -> None:
        plan = plans.scan([d1], m, -1, 1, args.n_msgs)
        asyncio.run(simulate(plan, vectorize=False, strict=True, max_messages=0, keep_points=False))

    bench.compare(
        f"check_limits msg-level scan {args.n_msgs:,}",
        unit="points/s",
        n=args.n_msgs,
        acq=acq_msg_level,
        anchor=lambda: asyncio.run(check_limits_async(bp.scan([d1], m, -1, 1, args.n_msgs))),
        anchor_name=f"bluesky {bluesky.__version__} check_limits",
    )

    side = args.side
    n_grid = side * side

    rows = max(1, min(side, args.anchor_max // side))

    def grid(mod: Any, n_rows: int = side) -> Any:
        return mod.grid_scan([d1, d2], m, 0, 1, n_rows, m2, 0, 1, side, snake_axes=True)

    for concurrent in (False, True):
        bench.compare(
            f"grid_scan {side}x{side} msgs ({'concurrent' if concurrent else 'serial'} reads)",
            unit="points/s",
            n=n_grid,
            acq=lambda c=concurrent: asyncio.run(drive_acq(grid(plans), c)),
            anchor=lambda: timed(lambda: drive_bluesky(grid(bp, rows))) * side / rows,
            anchor_name=f"bluesky {bluesky.__version__} generator",
            extra={"anchor_n": rows * side},
        )
    run_engine_figures(bench, args)
    bench.report(anchors=("bluesky",))
    sys.stdout.flush()
    os._exit(0)  # bluesky's RunEngine keeps a loop thread alive


if __name__ == "__main__":
    main()
