"""Every plan: same trajectory (sequence of sets) and same start metadata as bluesky's."""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import bluesky.plan_stubs as bps
import bluesky.plans as bp
import pytest
from _plan_fakes import (
    FakeDetector,
    FakeMotor,
    gaussian,
    jsonable,
    run_bluesky,
    run_ours,
    same_trajectory,
)
from cycler import cycler

import plans
import plans.stubs as ps


class Devs:
    def __init__(self) -> None:
        self.det = FakeDetector("det")
        self.det2 = FakeDetector("det2")
        self.m1 = FakeMotor("m1", 0.5)
        self.m2 = FakeMotor("m2", -1.0)
        self.m3 = FakeMotor("m3", 2.0)


def _motor_order_free(name: str) -> bool:
    """bluesky's scan_nd names motors in ``cycler.keys`` order, which is a set's order; the
    spirals and scan_nd leave 'motors' (and scan_nd its dimensions) to it. Every other
    plan writes its own ordered list, so order is compared there."""
    return name.startswith(("scan_nd", "spiral", "rel_spiral"))


def _normalized(name: str, starts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for md in jsonable(starts):
        if _motor_order_free(name) and isinstance(md.get("motors"), list):
            md["motors"] = sorted(md["motors"])
            dims = md.get("hints", {}).get("dimensions")
            if md["plan_name"] == "scan_nd" and dims:
                md["hints"] = {**md["hints"], "dimensions": sorted(dims)}
        out.append(md)
    return out


Case = Callable[[ModuleType, Devs], Any]

CASES: dict[str, Case] = {
    "count": lambda P, d: P.count([d.det, d.det2], num=3),
    "count_md": lambda P, d: P.count([d.det], 2, md={"sample": "Si", "hints": {"x": 1}}),
    "scan_1d_positional_num": lambda P, d: P.scan([d.det], d.m1, -1, 1, 5),
    "scan_2d_kw_num": lambda P, d: P.scan([d.det], d.m1, -1, 1, d.m2, 0, 4, num=7),
    "scan_md_hints": lambda P, d: P.scan([d.det], d.m1, 0, 1, 3, md={"hints": {"a": 1}}),
    "rel_scan": lambda P, d: P.rel_scan([d.det], d.m1, -1, 1, d.m2, 1, 2, num=4),
    "list_scan": lambda P, d: P.list_scan([d.det], d.m1, [1, 2, 5], d.m2, [3, 3, 4]),
    "rel_list_scan": lambda P, d: P.rel_list_scan([d.det], d.m1, [1, 2], d.m2, [0, -1]),
    "list_grid_scan": lambda P, d: P.list_grid_scan([d.det], d.m1, [1, 2], d.m2, [5, 6, 7]),
    "list_grid_scan_snake": lambda P, d: P.list_grid_scan(
        [d.det], d.m1, [1, 2, 3], d.m2, [5, 6], snake_axes=True
    ),
    "list_grid_scan_snake_list": lambda P, d: P.list_grid_scan(
        [d.det], d.m1, [1, 2], d.m2, [5, 6], d.m3, [0, 1], snake_axes=[d.m3]
    ),
    "rel_list_grid_scan": lambda P, d: P.rel_list_grid_scan([d.det], d.m1, [1, 2], d.m2, [0, 1]),
    "grid_scan": lambda P, d: P.grid_scan([d.det], d.m1, 0, 1, 3, d.m2, 0, 2, 4),
    "grid_scan_snake_true": lambda P, d: P.grid_scan(
        [d.det], d.m1, 0, 1, 3, d.m2, 0, 2, 4, d.m3, 5, 6, 2, snake_axes=True
    ),
    "grid_scan_snake_list": lambda P, d: P.grid_scan(
        [d.det], d.m1, 0, 1, 3, d.m2, 0, 2, 2, d.m3, 5, 6, 2, snake_axes=[d.m3]
    ),
    "grid_scan_old_form": lambda P, d: P.grid_scan([d.det], d.m1, 0, 1, 3, d.m2, 0, 2, 3, True),
    "rel_grid_scan": lambda P, d: P.rel_grid_scan(
        [d.det], d.m1, -1, 1, 3, d.m2, 0, 2, 3, snake_axes=True
    ),
    "scan_nd_cycler": lambda P, d: P.scan_nd(
        [d.det], cycler(d.m1, [1, 2, 3]) * cycler(d.m2, [4, 5])
    ),
    "log_scan": lambda P, d: P.log_scan([d.det], d.m1, -1, 2, 6),
    "rel_log_scan": lambda P, d: P.rel_log_scan([d.det], d.m1, 0, 1, 3),
    "spiral": lambda P, d: P.spiral([d.det], d.m1, d.m2, 0.1, 0.2, 1.0, 1.5, 0.1, 5),
    "spiral_tilt_dry": lambda P, d: P.spiral(
        [d.det], d.m1, d.m2, 0, 0, 1.0, 1.0, 0.2, 4, dr_y=0.3, tilt=0.3
    ),
    "rel_spiral": lambda P, d: P.rel_spiral([d.det], d.m1, d.m2, 1.0, 1.0, 0.25, 6),
    "spiral_fermat": lambda P, d: P.spiral_fermat([d.det], d.m1, d.m2, 0, 1, 1.0, 2.0, 0.1, 2.0),
    "spiral_fermat_tilt": lambda P, d: P.spiral_fermat(
        [d.det], d.m1, d.m2, 0, 0, 1.0, 1.0, 0.1, 1.5, dr_y=0.2, tilt=0.2
    ),
    "rel_spiral_fermat": lambda P, d: P.rel_spiral_fermat([d.det], d.m1, d.m2, 1.0, 1.0, 0.2, 1.5),
    "spiral_square_odd": lambda P, d: P.spiral_square([d.det], d.m1, d.m2, 0, 0, 2.0, 2.0, 5, 5),
    "spiral_square_even": lambda P, d: P.spiral_square([d.det], d.m1, d.m2, 1, 2, 3.0, 2.0, 4, 6),
    "spiral_square_mixed": lambda P, d: P.spiral_square([d.det], d.m1, d.m2, 0, 0, 3.0, 1.0, 7, 2),
    "rel_spiral_square": lambda P, d: P.rel_spiral_square([d.det], d.m1, d.m2, 2.0, 2.0, 3, 4),
    "x2x_scan": lambda P, d: P.x2x_scan([d.det], d.m1, d.m2, -1, 1, 5),
    "fly": lambda P, d: P.fly([d.det], md={"purpose": "fly"}),
}


@pytest.mark.parametrize("name", list(CASES))
async def test_trajectory_and_start_md_match_bluesky(name: str) -> None:
    case = CASES[name]
    d = Devs()
    theirs = run_bluesky(case(bp, d))
    ours = await run_ours(case(plans, d))
    assert same_trajectory(ours.sets, theirs.sets), (ours.sets, theirs.sets)
    assert _normalized(name, ours.starts) == _normalized(name, theirs.starts)
    assert ours.starts == jsonable(ours.starts), "start documents must be JSON-shaped"
    assert len(ours.starts) == 1 or name == "fly"
    assert ours.commands.count("save") == theirs.commands.count("save")


ADAPTIVE: dict[str, tuple[Case, Callable[[Devs], dict[Any, Any]], list[str]]] = {
    "adaptive_scan": (
        lambda P, d: P.adaptive_scan([d.det], "det", d.m1, -3, 3, 0.05, 1.0, 50, True),
        lambda d: {d.det: gaussian(0.3, 0.5, "m1")},
        [],
    ),
    "adaptive_scan_no_backstep_down": (
        lambda P, d: P.adaptive_scan([d.det], "det", d.m1, 3, -3, 0.1, 0.8, 80, False, 0.5),
        lambda d: {d.det: gaussian(-0.5, 0.7, "m1")},
        [],
    ),
    "rel_adaptive_scan": (
        lambda P, d: P.rel_adaptive_scan([d.det], "det", d.m1, -2, 2, 0.05, 1.0, 40, True),
        lambda d: {d.det: gaussian(0.0, 0.5, "m1")},
        [],
    ),
    "tune_centroid": (
        lambda P, d: P.tune_centroid([d.det], "det", d.m1, -2, 2, 0.01, 11),
        lambda d: {d.det: gaussian(0.37, 0.3, "m1")},
        [],
    ),
    "tune_centroid_snake": (
        lambda P, d: P.tune_centroid([d.det], "det", d.m1, -2, 2, 0.05, 7, 2.5, True),
        lambda d: {d.det: gaussian(-0.4, 0.4, "m1")},
        [],
    ),
    "tweak": (
        lambda P, d: P.tweak(d.det, "det", d.m1, 0.5),
        lambda d: {d.det: gaussian(0.0, 1.0, "m1")},
        ["", "0.25", "", "stop"],
    ),
}


@pytest.mark.parametrize("name", list(ADAPTIVE))
async def test_adaptive_plans_follow_the_readings_like_bluesky(name: str) -> None:
    case, responses, inputs = ADAPTIVE[name]
    d = Devs()
    theirs = run_bluesky(case(bp, d), responses(d), inputs)
    ours = await run_ours(case(plans, d), responses=responses(d), inputs=inputs)
    assert len(ours.sets) >= 3
    assert same_trajectory(ours.sets, theirs.sets), (ours.sets, theirs.sets)
    assert _normalized(name, ours.starts) == _normalized(name, theirs.starts)
    assert ours.starts == jsonable(ours.starts)


class CountdownStatus:
    """A ramp's status: done once it has been asked ``polls`` times."""

    success = True

    def __init__(self, polls: int) -> None:
        self.left = polls

    @property
    def done(self) -> bool:
        self.left -= 1
        return self.left < 0

    def exception(self, timeout: float | None = None) -> None:
        return None

    def add_callback(self, cb: Any) -> None:
        cb(self)


@pytest.mark.parametrize("pre_data", [True, False])
async def test_ramp_plan_matches_bluesky(pre_data: bool) -> None:
    d = Devs()

    def go_bluesky() -> Any:
        yield from bps.abs_set(d.m2, 5.0)
        return CountdownStatus(3)

    async def go_ours() -> Any:
        await ps.abs_set(d.m2, 5.0)
        return CountdownStatus(3)

    md = {"purpose": "ramp"}
    theirs = run_bluesky(
        bp.ramp_plan(
            go_bluesky(), d.m3, lambda: bps.trigger_and_read([d.det, d.m1]), pre_data, md=md
        )
    )
    ours = await run_ours(
        plans.ramp_plan(
            go_ours(), d.m3, lambda: ps.trigger_and_read([d.det, d.m1]), pre_data, md=md
        )
    )
    assert ours.sets == theirs.sets == [("m2", 5.0)]
    assert ours.commands.count("save") == theirs.commands.count("save") == 4 + pre_data
    assert [c for c in ours.commands if c != "wait"] == [c for c in theirs.commands if c != "wait"]
    assert _normalized("ramp_plan", ours.starts) == _normalized("ramp_plan", theirs.starts)
    assert ours.starts == jsonable(ours.starts)


async def test_tune_centroid_ends_on_the_peak() -> None:
    d = Devs()
    ours = await run_ours(
        plans.tune_centroid([d.det], "det", d.m1, -2, 2, 0.01, 11),
        responses={d.det: gaussian(0.37, 0.3, "m1")},
    )
    # the last move before the reset is the final centroid
    final = [v for n, v in ours.sets if n == "m1"][-1]
    assert abs(final - 0.37) < 0.05


async def test_tune_centroid_with_no_signal_stops_after_one_pass() -> None:
    d = Devs()
    ours = await run_ours(plans.tune_centroid([d.det], "det", d.m1, -1, 1, 0.01, 5))
    assert [v for _, v in ours.sets] == pytest.approx([-1, -0.5, 0, 0.5, 1])
