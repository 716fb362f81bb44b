"""Shared measurement and reporting for the benchmarks (see BENCHMARKS.md).

Usage in a script::

    from benchmarks._harness import Bench

    bench = Bench("documents", description=__doc__)
    args = bench.parse_args(defaults={"n": 100_000}, quick={"n": 1_000})
    bench.compare(
        "compose+encode", unit="events/s", n=args.n,
        acq=lambda: run_acq(args.n), anchor=lambda: run_anchor(args.n),
        anchor_name=f"event-model {event_model.__version__}",
        kind="rate", goal=">= 20x", goal_ratio=20.0,
    )
    bench.report()

``acq`` and ``anchor`` callables return the elapsed seconds of ONE repetition
(so setup is excluded) or None to let the harness time the whole call. Rates are
``n / seconds``. Repetitions alternate acq / anchor so machine drift hits both.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any, Literal

Kind = Literal["rate", "time"]


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def _timed(fn: Callable[[], float | None]) -> float:
    t0 = time.perf_counter()
    out = fn()
    elapsed = time.perf_counter() - t0
    return float(out) if out is not None else elapsed


@dataclass
class Bench:
    """Collects figures for one benchmark script and prints table + JSON line."""

    name: str
    description: str | None = None
    figures: list[dict[str, Any]] = field(default_factory=list)
    repeat: int = 5
    quick: bool = False

    def parse_args(
        self,
        defaults: dict[str, Any],
        quick: dict[str, Any],
        argv: list[str] | None = None,
    ) -> argparse.Namespace:
        """Parse ``--quick``, ``--repeat`` and one ``--<size>`` option per default."""
        parser = argparse.ArgumentParser(description=self.description)
        parser.add_argument("--quick", action="store_true", help="tiny sizes, for smoke tests")
        parser.add_argument("--repeat", type=int, default=5, help="repetitions (>= 5 reported)")
        for key, value in defaults.items():
            parser.add_argument(f"--{key.replace('_', '-')}", type=type(value), default=None)
        ns = parser.parse_args(argv)
        self.quick = ns.quick
        self.repeat = 2 if ns.quick else max(1, ns.repeat)
        for key, value in defaults.items():
            if getattr(ns, key) is None:
                setattr(ns, key, quick[key] if ns.quick and key in quick else value)
        return ns

    def measure(self, fn: Callable[[], float | None]) -> list[float]:
        """Warm up once, then ``repeat`` timed repetitions (seconds each)."""
        _timed(fn)
        return [_timed(fn) for _ in range(self.repeat)]

    def compare(
        self,
        name: str,
        *,
        unit: str,
        n: int,
        acq: Callable[[], float | None],
        anchor: Callable[[], float | None] | None = None,
        anchor_name: str | None = None,
        kind: Kind = "rate",
        goal: str | None = None,
        goal_ratio: float | None = None,
        goal_value: float | None = None,
        extra: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Measure acq (and the anchor, alternating) and record one figure.

        ``kind="rate"``: figures are ``n / seconds`` in ``unit`` and the ratio is
        acq / anchor. ``kind="time"``: figures are seconds per ``n`` items (or
        the unit asked) and the ratio is anchor / acq. Either way bigger is
        better. ``goal_ratio`` checks the ratio; ``goal_value`` checks acq's
        median (>= for rates, <= for times).
        """
        _timed(acq)
        if anchor is not None:
            _timed(anchor)
        acq_s: list[float] = []
        anchor_s: list[float] = []
        for _ in range(self.repeat):
            acq_s.append(_timed(acq))
            if anchor is not None:
                anchor_s.append(_timed(anchor))
        fig: dict[str, Any] = {"name": name, "unit": unit, "n": n}
        fig["acq"] = self._stats(acq_s, n, kind, unit)
        if anchor is not None:
            fig["anchor"] = {"name": anchor_name, **self._stats(anchor_s, n, kind, unit)}
            a, b = fig["acq"]["median"], fig["anchor"]["median"]
            ratio = (a / b if kind == "rate" else b / a) if a and b else None
            fig["ratio"] = round(ratio, 3) if ratio is not None else None
        met: bool | None = None
        if goal_ratio is not None and fig.get("ratio") is not None:
            met = fig["ratio"] >= goal_ratio
        if goal_value is not None:
            med = fig["acq"]["median"]
            ok = med >= goal_value if kind == "rate" else med <= goal_value
            met = ok if met is None else (met and ok)
        if goal is not None:
            fig["goal"] = goal
            fig["met"] = met
        if extra:
            fig.update(extra)
        self.figures.append(fig)
        return fig

    @staticmethod
    def _stats(samples: list[float], n: int, kind: Kind, unit: str) -> dict[str, float]:
        if kind == "rate":
            values = [n / s if s > 0 else float("inf") for s in samples]
        else:
            scale = 1000.0 if unit.startswith("ms") else (1e6 if unit.startswith("us") else 1.0)
            values = [s * scale / (n if "/" in unit else 1) for s in samples]
        return {
            "median": _round(statistics.median(values)),
            "min": _round(min(values)),
            "max": _round(max(values)),
        }

    def report(self, anchors: tuple[str, ...] = ()) -> None:
        """Print the table, then the one final JSON line."""
        print(f"\n== {self.name} benchmark ({'quick' if self.quick else 'full'}) ==")
        print(f"{'figure':38} {'unit':>12} {'acq':>14} {'anchor':>14} {'ratio':>8}  goal")
        for f in self.figures:
            anc = f.get("anchor", {}).get("median", "")
            ratio = f.get("ratio", "")
            verdict = {True: "MET", False: "MISSED"}.get(f.get("met"), "")  # type: ignore[call-overload]
            goal = f"{f.get('goal', '')} {verdict}"
            print(
                f"{f['name'][:38]:38} {f['unit']:>12} {f['acq']['median']:>14} "
                f"{anc!s:>14} {ratio!s:>8}  {goal}"
            )
        payload = {
            "benchmark": self.name,
            "python": platform.python_version(),
            "machine": {
                "cores": os.cpu_count(),
                "platform": platform.platform(),
                "versions": {d: _version(d) for d in ("acq", *anchors)},
            },
            "quick": self.quick,
            "repeat": self.repeat,
            "figures": self.figures,
        }
        sys.stdout.flush()
        print(json.dumps(payload))


def _round(x: float) -> float:
    if x == 0 or x != x or x in (float("inf"), float("-inf")):
        return x
    digits = max(0, 4 - len(str(int(abs(x)))))
    return round(x, digits)
