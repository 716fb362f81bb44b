"""Plan wrappers (bluesky's preprocessors) for coroutine plans, and decorator forms.

A wrapper takes a plan (an awaitable, usually a coroutine object) and returns a
new one: ``await run_wrapper(my_plan(), md={...})``. Each ``*_decorator``
applies the wrapper to every call of a plan function::

    @run_decorator(md={"purpose": "demo"})
    async def my_plan():
        ...

``msg_mutator`` and ``plan_mutator`` are the general tools the others are built
on: they bind a message handler in front of the current one for the duration
of the wrapped plan (see decision 0005).
"""

from __future__ import annotations

from plans._flow import contingency_wrapper, finalize_wrapper
from plans._mutator import make_decorator, msg_mutator, plan_mutator
from plans._relative import relative_set_wrapper, reset_positions_wrapper
from plans._wrappers_run import (
    configure_count_time_wrapper,
    inject_md_wrapper,
    lazily_stage_wrapper,
    rewindable_wrapper,
    run_wrapper,
    set_run_key_wrapper,
    stage_wrapper,
    stub_wrapper,
    subs_wrapper,
    suspend_wrapper,
)
from plans._wrappers_supp import (
    SupplementalData,
    baseline_wrapper,
    fly_during_wrapper,
    monitor_during_wrapper,
)

baseline_decorator = make_decorator(baseline_wrapper)
configure_count_time_decorator = make_decorator(configure_count_time_wrapper)
contingency_decorator = make_decorator(contingency_wrapper)
finalize_decorator = make_decorator(finalize_wrapper)
fly_during_decorator = make_decorator(fly_during_wrapper)
inject_md_decorator = make_decorator(inject_md_wrapper)
lazily_stage_decorator = make_decorator(lazily_stage_wrapper)
monitor_during_decorator = make_decorator(monitor_during_wrapper)
relative_set_decorator = make_decorator(relative_set_wrapper)
reset_positions_decorator = make_decorator(reset_positions_wrapper)
run_decorator = make_decorator(run_wrapper)
set_run_key_decorator = make_decorator(set_run_key_wrapper)
stage_decorator = make_decorator(stage_wrapper)
stub_decorator = make_decorator(stub_wrapper)
subs_decorator = make_decorator(subs_wrapper)
suspend_decorator = make_decorator(suspend_wrapper)

__all__ = [
    "SupplementalData",
    "baseline_decorator",
    "baseline_wrapper",
    "configure_count_time_decorator",
    "configure_count_time_wrapper",
    "contingency_decorator",
    "contingency_wrapper",
    "finalize_decorator",
    "finalize_wrapper",
    "fly_during_decorator",
    "fly_during_wrapper",
    "inject_md_decorator",
    "inject_md_wrapper",
    "lazily_stage_decorator",
    "lazily_stage_wrapper",
    "make_decorator",
    "monitor_during_decorator",
    "monitor_during_wrapper",
    "msg_mutator",
    "plan_mutator",
    "relative_set_decorator",
    "relative_set_wrapper",
    "reset_positions_decorator",
    "reset_positions_wrapper",
    "rewindable_wrapper",
    "run_decorator",
    "run_wrapper",
    "set_run_key_decorator",
    "set_run_key_wrapper",
    "stage_decorator",
    "stage_wrapper",
    "stub_decorator",
    "stub_wrapper",
    "subs_decorator",
    "subs_wrapper",
    "suspend_decorator",
    "suspend_wrapper",
]
