"""acq: asyncio-native experiment orchestration.

The names below load lazily so that ``import acq`` stays cheap and the layering
of the subpackages (see docs/explanations/architecture.md) is not tied together
by this package's ``__init__``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from acq._exceptions import (
    AcqError,
    CatalogError,
    DocumentError,
    DocumentValidationError,
    EngineError,
    IllegalStateError,
    InvalidPlanError,
    PlanError,
    PlanLimitError,
    QueryError,
    RunInterrupted,
    RunNotFound,
    WriterError,
)

__version__ = "0.1.0"

# name -> module that defines it (imported on first attribute access)
_LAZY: dict[str, str] = {
    "RunEngine": "acq.engine._engine",
    "RunResult": "acq.engine._result",
}

__all__ = [
    "AcqError",
    "CatalogError",
    "DocumentError",
    "DocumentValidationError",
    "EngineError",
    "IllegalStateError",
    "InvalidPlanError",
    "PlanError",
    "PlanLimitError",
    "QueryError",
    "RunInterrupted",
    "RunNotFound",
    "WriterError",
    *_LAZY,
]

if TYPE_CHECKING:  # pragma: no cover
    from acq.engine._engine import RunEngine as RunEngine
    from acq.engine._result import RunResult as RunResult


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'acq' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
