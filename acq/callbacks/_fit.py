"""LiveFit: least-squares fit of a user model to a stream, during and after a run."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import OptimizeWarning, curve_fit

from acq.callbacks._base import Document, _Consumer
from acq.callbacks._result import _ResultSlot

__all__ = ["FitResult", "LiveFit"]

Guess = Mapping[str, float] | Callable[..., Mapping[str, float]]


@dataclass(frozen=True)
class FitResult:
    """The outcome of one fit: parameter values, their standard errors, and status."""

    success: bool
    params: dict[str, float] = field(default_factory=dict)
    stderr: dict[str, float] = field(default_factory=dict)
    npoints: int = 0
    message: str = ""

    def __getitem__(self, name: str) -> float:
        return self.params[name]


class LiveFit(_Consumer):
    """Fit ``model`` to the field ``y`` as events arrive (scipy ``curve_fit``).

    ``model(x, a, b, ...)`` is a plain function: its first argument(s) are the
    independent variables named by ``independent_vars`` (argument name -> data
    field, e.g. ``{"x": "motor"}``), the rest are the parameters to fit.
    ``init_guess`` is a mapping of starting values, or a callable taking the
    independent arrays and ``y`` as keywords and returning one.

    The fit runs at stop, and also every ``update_every`` events when given. The
    last result is ``fit.result``; ``await fit.wait_result()`` returns the
    current run's final :class:`FitResult` once the stop document arrived.
    """

    def __init__(
        self,
        model: Callable[..., Any],
        y: str,
        independent_vars: Mapping[str, str],
        init_guess: Guess,
        *,
        update_every: int | None = None,
        streams: Iterable[str] | None = ("primary",),
    ) -> None:
        super().__init__(streams)
        names = list(inspect.signature(model).parameters)
        indep = list(independent_vars)
        if names[: len(indep)] != indep:
            raise ValueError(
                f"LiveFit model {getattr(model, '__name__', model)!r}: its first arguments "
                f"must be the independent variables {indep}, but its signature starts "
                f"with {names[: len(indep)]}; reorder the model's arguments"
            )
        self.model = model
        self.y = y
        self.independent_vars = dict(independent_vars)
        self.param_names = names[len(indep) :]
        self.init_guess = init_guess
        self.update_every = update_every
        self._cols: dict[str, list[Any]] = {}
        self._slot: _ResultSlot[FitResult] = _ResultSlot()
        self.result: FitResult | None = None
        self._since_fit = 0

    def start(self, doc: Document) -> None:
        self._cols = {f: [] for f in (*self.independent_vars.values(), self.y)}
        self.result = None
        self._since_fit = 0
        self._slot.reset()

    def event_page(self, doc: Document) -> None:
        data = doc["data"]
        if not all(f in data for f in self._cols):
            return
        for f, col in self._cols.items():
            col.extend(data[f])
        self._since_fit += len(doc["seq_num"])
        if self.update_every and self._since_fit >= self.update_every:
            self._since_fit = 0
            self.result = self._fit()

    def stop(self, doc: Document) -> None:
        self.result = self._fit()
        self._slot.set(self.result)

    async def wait_result(self, timeout: float | None = None) -> FitResult:
        """The current run's final :class:`FitResult`, once its stop document arrived."""
        return await self._slot.wait(timeout)

    def evaluate(self, **independent: Any) -> NDArray[np.float64]:
        """The model with the last fitted parameters at the given independent values."""
        if self.result is None or not self.result.success:
            raise ValueError("LiveFit has no successful fit yet; run a scan first")
        out = self.model(**independent, **self.result.params)
        return np.asarray(out, dtype=float)

    def _fit(self) -> FitResult:
        indep = {
            a: np.asarray(self._cols[f], dtype=float) for a, f in self.independent_vars.items()
        }
        y = np.asarray(self._cols.get(self.y, []), dtype=float)
        n = len(y)
        if n < len(self.param_names):
            return FitResult(
                False, npoints=n, message=f"{n} points < {len(self.param_names)} params"
            )
        guess = self.init_guess
        if callable(guess):
            guess = guess(**indep, y=y)
        p0 = [float(guess.get(p, 1.0)) for p in self.param_names]
        args = list(indep)

        def wrapped(_: Any, *params: float) -> Any:
            return self.model(**indep, **dict(zip(self.param_names, params, strict=True)))

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", OptimizeWarning)
                popt, pcov = curve_fit(wrapped, indep[args[0]], y, p0=p0)
        except (RuntimeError, ValueError, TypeError) as exc:
            return FitResult(False, npoints=n, message=str(exc))
        errs = np.sqrt(np.abs(np.diag(pcov)))
        return FitResult(
            True,
            params=dict(zip(self.param_names, map(float, popt), strict=True)),
            stderr=dict(zip(self.param_names, map(float, errs), strict=True)),
            npoints=n,
            message="converged",
        )
