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
RunEngine-level figures come with the engine (benchmarks/bench_engine.py).
"""

from __future__ import annotations

import asyncio
import sys
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


def main() -> None:
    bench = Bench("plans", description=__doc__)
    args = bench.parse_args(
        defaults={"n": 1_000_000, "n_msgs": 10_000, "side": 100},
        quick={"n": 20_000, "n_msgs": 500, "side": 10},
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

    def grid(mod: Any) -> Any:
        return mod.grid_scan([d1, d2], m, 0, 1, side, m2, 0, 1, side, snake_axes=True)

    for concurrent in (False, True):
        bench.compare(
            f"grid_scan {side}x{side} msgs ({'concurrent' if concurrent else 'serial'} reads)",
            unit="points/s",
            n=n_grid,
            acq=lambda c=concurrent: asyncio.run(drive_acq(grid(plans), c)),
            anchor=lambda: drive_bluesky(grid(bp)),
            anchor_name=f"bluesky {bluesky.__version__} generator",
        )
    bench.report(anchors=("bluesky",))


if __name__ == "__main__":
    main()
