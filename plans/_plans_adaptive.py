"""Plans that decide their next step from the readings: adaptive_scan, tune_centroid, tweak."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import numpy as np

from acq._exceptions import PlanError
from acq.messages import Msg, send
from plans._limits import _checked_run
from plans._plans_core import Plan, _dimensions, _merge, _relative_call
from plans._stubs_steps import _read_all, mv, trigger_and_read
from plans._util import _check_detectors, _check_movable, _check_num, _group, _separate_devices


def _with_dims(base: dict[str, Any], md: Mapping[str, Any] | None, motor: Any) -> dict[str, Any]:
    _md = _merge(base, md)
    dims = _dimensions([motor])
    if dims is not None:
        _md["hints"].setdefault("dimensions", dims)
    return _md


async def _adaptive_core(
    dets: list[Any],
    target_field: str,
    motor: Any,
    start: float,
    stop: float,
    min_step: float,
    max_step: float,
    target_delta: float,
    backstep: bool,
    threshold: float,
) -> None:
    next_pos, step = start, (max_step - min_step) / 2
    past: Any = None
    sign = 1 if stop >= start else -1
    devices = _separate_devices([*dets, motor])
    while next_pos * sign < stop * sign:
        await send(Msg("checkpoint"))
        await mv(motor, next_pos)
        await send(Msg("create", None, name="primary"))
        grp = _group("trigger")
        for det in dets:
            await send(Msg("trigger", det, group=grp))
        await send(Msg("wait", None, group=grp))
        reading = await _read_all(devices)
        await send(Msg("save"))
        if target_field not in reading:
            raise PlanError(
                f"adaptive_scan(): parameter 'target_field' {target_field!r} is not among the "
                f"fields read: {sorted(reading)}. Fix: name a field the detectors produce."
            )
        current = reading[target_field]["value"]
        if past is None:
            past = current
            next_pos += step * sign
            continue
        slope = np.abs(current - past) / step
        new_step = (
            np.clip(target_delta / slope, min_step, max_step)
            if slope
            else min(step * 1.1, max_step)
        )
        if backstep and new_step < step * threshold:
            next_pos -= step
            step = new_step
        else:
            past = current
            step = 0.2 * new_step + 0.8 * step
        next_pos += step * sign


def adaptive_scan(
    detectors: Sequence[Any],
    target_field: str,
    motor: Any,
    start: float,
    stop: float,
    min_step: float,
    max_step: float,
    target_delta: float,
    backstep: bool,
    threshold: float = 0.8,
    *,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """Scan ``motor`` with a step that shrinks where ``target_field`` changes fast.

    Each reading is compared with the last kept one: the next step aims at a
    change of ``target_delta`` (clipped to ``[min_step, max_step]``); with
    ``backstep`` a step much larger than the new estimate is redone.
    """
    dets = _check_detectors("adaptive_scan", detectors)
    _check_movable("adaptive_scan", "motor", motor)
    if not 0 < min_step < max_step:
        raise PlanError(
            f"adaptive_scan(): parameters 'min_step' ({min_step}) and 'max_step' ({max_step}) "
            "must satisfy 0 < min_step < max_step."
        )
    base = {
        "detectors": [d.name for d in dets],
        "motors": [motor.name],
        "plan_args": {
            "detectors": [repr(d) for d in dets],
            "motor": repr(motor),
            "start": start,
            "stop": stop,
            "min_step": min_step,
            "max_step": max_step,
            "target_delta": target_delta,
            "backstep": backstep,
            "threshold": threshold,
        },
        "plan_name": "adaptive_scan",
        "hints": {},
    }
    _md = _with_dims(base, md, motor)
    core = partial(
        _adaptive_core,
        dets,
        target_field,
        motor,
        start,
        stop,
        min_step,
        max_step,
        target_delta,
        backstep,
        threshold,
    )
    field = ("target_field", target_field, [*dets, motor])
    return _checked_run(core, _md, [*dets, motor], axes=[(motor, [start, stop])], field=field)


def rel_adaptive_scan(
    detectors: Sequence[Any],
    target_field: str,
    motor: Any,
    start: float,
    stop: float,
    min_step: float,
    max_step: float,
    target_delta: float,
    backstep: bool,
    threshold: float = 0.8,
    *,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """:func:`adaptive_scan` relative to the motor's position; the motor returns after."""
    return _relative_call(adaptive_scan, "rel_adaptive_scan", locals(), [motor])


async def _tune_core(
    dets: list[Any],
    signal: str,
    motor: Any,
    start: float,
    stop: float,
    min_step: float,
    num: int,
    step_factor: float,
    snake: bool,
) -> None:
    motor_field = _motor_field(motor)
    low, high = min(start, stop), max(start, stop)
    next_pos, step = start, (stop - start) / (num - 1)
    peak: Any = None
    sum_i = sum_xi = 0.0
    while abs(step) >= min_step and low <= next_pos <= high:
        await send(Msg("checkpoint"))
        await mv(motor, next_pos)
        ret = await trigger_and_read([*dets, motor])
        if signal not in ret:
            raise PlanError(
                f"tune_centroid(): parameter 'signal' {signal!r} is not among the fields read: "
                f"{sorted(ret)}. Fix: name a field the detectors produce."
            )
        value = ret[signal]["value"]
        sum_i += value
        sum_xi += ret[motor_field]["value"] * value
        next_pos += step
        if not (min(start, stop) <= next_pos <= max(start, stop)):
            if sum_i == 0:
                return
            peak = sum_xi / sum_i
            sum_i = sum_xi = 0.0
            width = (stop - start) / step_factor
            start = np.clip(peak - width / 2, low, high)
            stop = np.clip(peak + width / 2, low, high)
            if snake:
                start, stop = stop, start
            step = (stop - start) / (num - 1)
            next_pos = start
    if peak is not None:
        await mv(motor, peak)


def _motor_field(motor: Any) -> str:
    fields = (getattr(motor, "hints", None) or {}).get("fields", [])
    return str(fields[0]) if len(fields) == 1 else str(motor.name)


def tune_centroid(
    detectors: Sequence[Any],
    signal: str,
    motor: Any,
    start: float,
    stop: float,
    min_step: float,
    num: int = 10,
    step_factor: float = 3.0,
    snake: bool = False,
    *,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """Move ``motor`` to the centroid of ``signal``, rescanning ever narrower ranges.

    Each pass scans ``num`` points, computes the centroid sum(x*I)/sum(I), and
    narrows the range by ``step_factor`` around it until the step is below
    ``min_step``; the motor ends at the last centroid.
    """
    dets = _check_detectors("tune_centroid", detectors)
    _check_movable("tune_centroid", "motor", motor)
    _check_num("tune_centroid", "num", num, minimum=2)
    if min_step <= 0:
        raise PlanError(f"tune_centroid(): parameter 'min_step' must be > 0, got {min_step}.")
    if step_factor <= 1.0:
        raise PlanError(
            f"tune_centroid(): parameter 'step_factor' must be > 1.0, got {step_factor}."
        )
    base = {
        "detectors": [d.name for d in dets],
        "motors": [motor.name],
        "plan_args": {
            "detectors": [repr(d) for d in dets],
            "motor": repr(motor),
            "start": start,
            "stop": stop,
            "num": num,
            "min_step": min_step,
        },
        "plan_name": "tune_centroid",
        "hints": {},
    }
    _md = _with_dims(base, md, motor)
    core = partial(_tune_core, dets, signal, motor, start, stop, min_step, num, step_factor, snake)
    field = ("signal", signal, [*dets, motor])
    return _checked_run(core, _md, [*dets, motor], axes=[(motor, [start, stop])], field=field)


async def _tweak_core(detector: Any, target_field: str, motor: Any, step: float) -> None:
    while True:
        await send(Msg("create", None, name="primary"))
        ret_mot = await send(Msg("read", motor))
        if ret_mot is None:
            return
        pos = next(iter(ret_mot.values()))["value"]
        grp = _group("tweak")
        await send(Msg("trigger", detector, group=grp))
        await send(Msg("wait", None, group=grp))
        reading = await send(Msg("read", detector))
        val = reading[target_field]["value"]
        await send(Msg("save"))
        prompt = f"{motor.name}, {float(pos):.3}, {float(val):.3}, ({step}) "
        answer = await send(Msg("input", prompt=prompt))
        if answer:
            try:
                step = float(answer)
            except ValueError:
                break
        await send(Msg("set", motor, pos + step, group=grp))
        await send(Msg("wait", None, group=grp))


def tweak(
    detector: Any,
    target_field: str,
    motor: Any,
    step: float,
    *,
    md: Mapping[str, Any] | None = None,
) -> Plan:
    """Step ``motor`` interactively: each prompt shows the reading; a number changes the
    step, Enter repeats it, anything else ends the plan."""
    _check_detectors("tweak", [detector], param="detector")
    _check_movable("tweak", "motor", motor)
    base: dict[str, Any] = {
        "detectors": [detector.name],
        "motors": [motor.name],
        "plan_args": {
            "detector": repr(detector),
            "target_field": target_field,
            "motor": repr(motor),
            "step": step,
        },
        "plan_name": "tweak",
        "hints": {},
    }
    dims = _dimensions([motor])
    if dims is not None:
        base["hints"] = {"dimensions": dims}
    _md = _merge(base, md)
    core = partial(_tweak_core, detector, target_field, motor, step)
    field = ("target_field", target_field, [detector])
    return _checked_run(core, _md, [detector, motor], field=field)
