"""devices vs ophyd-async: connect a 1,000-signal tree, read a 100-signal device,
set+wait a soft signal, and subscription delivery rate, in the same run.

Both sides build the same shapes with their own soft signals: a tree of
``groups`` readable devices of 100 float signals each, connected with mock (and
with soft) backends; one 100-signal readable device read repeatedly; one soft
float signal set and awaited repeatedly; one subscribed soft signal set
repeatedly, counting the deliveries.
"""

from __future__ import annotations

import asyncio
import sys
import time
from importlib import metadata
from pathlib import Path

import ophyd_async.core as oa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import devices as dv
from benchmarks._harness import Bench

SIGNALS_PER_GROUP = 100
LOOP = asyncio.new_event_loop()


def _run(coro: object) -> float:
    return LOOP.run_until_complete(coro)  # type: ignore[arg-type]


# ----------------------------------------------------------------------- builders
class _AcqGroup(dv.StandardReadable):
    def __init__(self, n: int, name: str = "") -> None:
        with self.add_children_as_readables():
            for i in range(n):
                setattr(self, f"s{i}", dv.soft_signal_rw(float, 0.0))
        super().__init__(name=name)


class _AcqTree(dv.Device):
    def __init__(self, groups: int, name: str = "") -> None:
        self.groups = dv.DeviceVector({i: _AcqGroup(SIGNALS_PER_GROUP) for i in range(groups)})
        super().__init__(name=name)


class _OaGroup(oa.StandardReadable):
    def __init__(self, n: int, name: str = "") -> None:
        with self.add_children_as_readables():
            for i in range(n):
                setattr(self, f"s{i}", oa.soft_signal_rw(float, 0.0))
        super().__init__(name=name)


class _OaTree(oa.Device):
    def __init__(self, groups: int, name: str = "") -> None:
        self.groups = oa.DeviceVector({i: _OaGroup(SIGNALS_PER_GROUP) for i in range(groups)})
        super().__init__(name=name)


# ----------------------------------------------------------------------- figures
def connect_tree(tree_cls: type, signals: int, mock: bool, trees: int) -> float:
    async def go() -> float:
        t0 = time.perf_counter()
        for _ in range(trees):
            tree = tree_cls(signals // SIGNALS_PER_GROUP, name="tree")
            await tree.connect(mock=mock)
        return time.perf_counter() - t0

    return _run(go())


def read_device(group_cls: type, n: int) -> float:
    async def go() -> float:
        dev = group_cls(SIGNALS_PER_GROUP, name="dev")
        await dev.connect()
        await dev.read()
        t0 = time.perf_counter()
        for _ in range(n):
            await dev.read()
        return time.perf_counter() - t0

    return _run(go())


def set_wait(make: object, n: int) -> float:
    async def go() -> float:
        sig = make(float, 0.0, "sig")  # type: ignore[operator]
        await sig.connect()
        t0 = time.perf_counter()
        for i in range(n):
            await sig.set(float(i))
        return time.perf_counter() - t0

    return _run(go())


def subscribe_rate(make: object, n: int) -> float:
    async def go() -> float:
        sig = make(float, 0.0, "sig")  # type: ignore[operator]
        await sig.connect()
        got: list[object] = []
        sig.subscribe(got.append)
        t0 = time.perf_counter()
        for i in range(n):
            await sig.set(float(i + 1))
        while len(got) < n + 1:
            await asyncio.sleep(0)
        elapsed = time.perf_counter() - t0
        sig.clear_sub(got.append)
        return elapsed

    return _run(go())


def main() -> None:
    bench = Bench("devices", description=__doc__)
    args = bench.parse_args(
        defaults={"signals": 1000, "trees": 5, "reads": 2000, "sets": 5000},
        quick={"signals": 200, "trees": 1, "reads": 50, "sets": 100},
    )
    anchor = f"ophyd-async {metadata.version('ophyd-async')}"
    n_conn = args.signals * args.trees
    for mock, goal, ratio in ((True, ">= 2x", 2.0), (False, ">= 1x", 1.0)):
        bench.compare(
            f"construct+connect {args.signals} {'mock' if mock else 'soft'} signals",
            unit="signals/s",
            n=n_conn,
            anchor_name=anchor,
            goal=goal,
            goal_ratio=ratio,
            acq=lambda m=mock: connect_tree(_AcqTree, args.signals, m, args.trees),
            anchor=lambda m=mock: connect_tree(_OaTree, args.signals, m, args.trees),
        )
    bench.compare(
        "read() of a 100-signal device",
        unit="reads/s",
        n=args.reads,
        anchor_name=anchor,
        goal=">= 1x",
        goal_ratio=1.0,
        acq=lambda: read_device(_AcqGroup, args.reads),
        anchor=lambda: read_device(_OaGroup, args.reads),
    )
    bench.compare(
        "set+wait on a soft signal",
        unit="sets/s",
        n=args.sets,
        anchor_name=anchor,
        goal=">= 1x",
        goal_ratio=1.0,
        acq=lambda: set_wait(dv.soft_signal_rw, args.sets),
        anchor=lambda: set_wait(oa.soft_signal_rw, args.sets),
    )
    bench.compare(
        "subscribe delivery",
        unit="updates/s",
        n=args.sets,
        anchor_name=anchor,
        goal=">= 1x",
        goal_ratio=1.0,
        acq=lambda: subscribe_rate(dv.soft_signal_rw, args.sets),
        anchor=lambda: subscribe_rate(oa.soft_signal_rw, args.sets),
    )
    bench.report(anchors=("ophyd-async",))


if __name__ == "__main__":
    main()
