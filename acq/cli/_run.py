"""``acq run PLAN ARGS``: run one plan of :mod:`plans` on the simulated (or a configured)
beamline, with the live table, progress bar and plot, and the run saved to the catalog."""

from __future__ import annotations

import argparse
import asyncio
import inspect
from typing import Any

from acq._exceptions import AcqError
from acq.cli._common import _connect, _data_dir, _load_beamline, _value
from devices import DeviceError

_EPILOG = """\
examples (devices of the simulated beamline: x, y, th, det, det_xy, camera, slit):
  acq run scan det x -1 1 11            11 points of det while x steps from -1 to 1
  acq run rel_scan det x -0.5 0.5 5     the same, relative to where x is
  acq run grid_scan det_xy x -1 1 5 y -1 1 5
  acq run count det,camera num=3        several detectors: separate them with commas
  acq run adaptive_scan det det x -2 2 0.05 0.5 50 True
Arguments are numbers, device names, comma-separated lists, or name=value keywords.
"""


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = _EPILOG
    parser.add_argument("plan", help="a plan of the plans package, e.g. scan, count, grid_scan")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the plan's arguments")
    parser.add_argument(
        "--beamline",
        metavar="MODULE:FUNCTION",
        help="devices from FUNCTION() instead of the simulated beamline",
    )
    parser.add_argument("--no-plot", action="store_true", help="do not draw or save a plot")


def _plan_arguments(
    name: str, tokens: list[str], devices: dict[str, Any]
) -> tuple[list[Any], dict[str, Any]]:
    import plans

    func = getattr(plans, name, None)
    if name not in plans.__all__ or not callable(func):
        raise AcqError(
            f"no plan named {name!r}. Plans: {', '.join(n for n in plans.__all__ if n.islower())}."
        )
    args: list[Any] = []
    kwargs: dict[str, Any] = {}
    for token in tokens:
        key, eq, text = token.partition("=")
        if eq and key.isidentifier():
            kwargs[key] = _value(text, devices)
        else:
            args.append(_value(token, devices))
    params = list(inspect.signature(func).parameters)
    first_is_list = params[:1] in (["detectors"], ["flyers"])
    if args and first_is_list and not isinstance(args[0], list):
        args[0] = [args[0]]
    return args, kwargs


def _options_after_plan(ns: argparse.Namespace) -> None:
    """Options given after the plan's arguments (``acq run scan det x -1 1 5 --no-plot``)."""
    tokens, ns.args = list(ns.args), []
    while tokens:
        token = tokens.pop(0)
        if token == "--no-plot":
            ns.no_plot = True
        elif token == "--beamline" and tokens:
            ns.beamline = tokens.pop(0)
        elif token.startswith("--beamline="):
            ns.beamline = token.partition("=")[2]
        else:
            ns.args.append(token)


async def _run_plan(ns: argparse.Namespace) -> int:
    import plans
    from acq.cli._session import _Session  # imported here: `acq --help` stays fast

    devices = _load_beamline(ns.beamline)
    args, kwargs = _plan_arguments(ns.plan, ns.args, devices)
    await _connect(devices)
    func = getattr(plans, ns.plan)
    try:
        plan = func(*args, **kwargs)
    except TypeError as exc:
        raise AcqError(f"{exc}. The plan's signature: {ns.plan}{inspect.signature(func)}") from None
    session = _Session(_data_dir(), plot=not ns.no_plot)
    try:
        result = await session.RE(plan)
    finally:
        session.close()
    for start in session.starts:
        print(f"Run {start['uid'][:8]} (scan_id {start.get('scan_id')}) saved to the catalog.")
    print("Look at it again: " + "  or  ".join(session.where_to_look()))
    return 0 if result.exit_status == "success" else 1


def _run(ns: argparse.Namespace) -> int:
    _options_after_plan(ns)
    try:
        return asyncio.run(_run_plan(ns))
    except (AcqError, DeviceError) as exc:
        print(f"acq run: {exc}")
        return 2
