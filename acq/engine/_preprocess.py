"""``RE.preprocessors``: plan -> plan functions applied to each plan before it runs.

As in bluesky, a preprocessor takes the plan and returns a new plan. For
coroutine plans that is a wrapper from ``plans.wrappers`` (e.g.
``plans.wrappers.SupplementalData``), which returns a coroutine; for generator
plans it is a generator preprocessor such as ``bluesky.preprocessors.SupplementalData``.
A coroutine preprocessor given a generator plan gets the generator driven as a
coroutine (its messages go through the handler chain), so ``plans.wrappers``
preprocessors serve both kinds; the reverse cannot work and raises
:class:`~acq.InvalidPlanError` naming the preprocessor and what to use instead.
Message-level functions (``msg -> msg``) belong in ``RE.message_preprocessors``.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Generator, Sequence
from typing import Any

from acq._exceptions import InvalidPlanError
from acq.engine._plans import _drive_generator
from acq.messages import send

__all__: list[str] = []

PlanPreprocessor = Callable[[Any], Any]


def _is_generator_plan(plan: Any) -> bool:
    return inspect.isgenerator(plan) or (
        hasattr(plan, "send") and hasattr(plan, "throw") and hasattr(plan, "__next__")
    )


def _plan_kind(plan: Any) -> str:
    """``start['plan_type']``: "coroutine" for awaitables, "generator" for the rest."""
    if inspect.iscoroutine(plan) or (hasattr(plan, "__await__") and not _is_generator_plan(plan)):
        return "coroutine"
    return "generator"


def _label(pre: Any) -> str:
    kind = pre if inspect.isfunction(pre) or inspect.ismethod(pre) else type(pre)
    module = getattr(kind, "__module__", "") or ""
    name = getattr(kind, "__qualname__", None) or repr(pre)
    return f"{module}.{name}" if module else str(name)


def _close(obj: Any) -> None:
    close = getattr(obj, "close", None)
    if close is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            close()


async def _generator_as_coroutine(gen: Generator[Any, Any, Any]) -> Any:
    """Drive a generator plan with ``await send(msg)``, so coroutine wrappers see its messages."""
    return await _drive_generator(gen, send)


def _mismatch(index: int, pre: Any, plan: Any, out: Any) -> InvalidPlanError:
    return InvalidPlanError(
        f"RE.preprocessors[{index}] ({_label(pre)}) turned the coroutine plan "
        f"{getattr(plan, '__qualname__', plan)!r} into a generator: it is a generator "
        "(bluesky) preprocessor, which can only wrap generator plans. For `async def` "
        "plans use the coroutine wrappers from plans.wrappers (e.g. "
        "plans.wrappers.SupplementalData instead of bluesky.preprocessors.SupplementalData)."
    )


def _not_a_plan(index: int, pre: Any, out: Any) -> InvalidPlanError:
    return InvalidPlanError(
        f"RE.preprocessors[{index}] ({_label(pre)}) returned {type(out).__name__} "
        f"{out!r:.60}, not a plan. RE.preprocessors hold plan -> plan functions (like "
        "bluesky's); put functions of one message (msg -> msg or None) in "
        "RE.message_preprocessors."
    )


def _apply_preprocessors(plan: Any, preprocessors: Sequence[PlanPreprocessor]) -> Any:
    """``plan`` wrapped by each preprocessor in turn (the first is innermost)."""
    for index, pre in enumerate(preprocessors):
        coroutine_plan = _plan_kind(plan) == "coroutine"
        out = pre(plan)
        if out is None or hasattr(out, "command"):
            _close(plan)
            raise _not_a_plan(index, pre, out)
        if coroutine_plan:
            if _plan_kind(out) == "generator":
                _close(out)
                _close(plan)
                raise _mismatch(index, pre, plan, out)
        elif _plan_kind(out) == "coroutine" and out is not plan:
            # a coroutine wrapper given a generator: it would `await` the generator;
            # give it the generator driven as a coroutine instead
            _close(out)
            out = pre(_generator_as_coroutine(plan))
        plan = out
    return plan
