"""What a call of the RunEngine returns."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["RunResult"]

ExitStatus = Literal["success", "abort", "fail"]


@dataclass(frozen=True, slots=True)
class RunResult:
    """The outcome of ``RE(plan)``.

    ``run_start_uids`` lists the uid of every run the plan opened, in order;
    ``plan_result`` is what the plan returned; ``exit_status`` is "success",
    "abort" or "fail"; ``interrupted`` is True when a stop, abort or halt ended
    the plan early (``reason`` then says why) or when it was paused or
    suspended at least once (and resumed); ``exception`` is the error that
    failed the plan, if any (it is also raised).
    """

    run_start_uids: tuple[str, ...]
    plan_result: Any
    exit_status: ExitStatus
    interrupted: bool
    reason: str
    exception: BaseException | None = None
