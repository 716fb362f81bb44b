from __future__ import annotations

import asyncio

import numpy as np
import pytest
from bluesky.callbacks.fitting import PeakStats as BlueskyPeakStats

from acq.callbacks import FitResult, LiveFit, PeakResult, PeakStats

from ._docs import feed, scan_docs


def _gauss(x: np.ndarray, amp: float, cen: float, sigma: float, bkg: float) -> np.ndarray:
    return amp * np.exp(-((x - cen) ** 2) / (2 * sigma**2)) + bkg


def _rows(n: int = 41, slope: float = 0.0) -> list[dict[str, float]]:
    rng = np.random.default_rng(7)
    x = np.linspace(-2, 3, n)
    y = _gauss(x, 10.0, 0.7, 0.4, 1.0) + slope * x + rng.normal(0, 0.05, n)
    return [{"motor": float(a), "det": float(b)} for a, b in zip(x, y, strict=True)]


@pytest.mark.parametrize(("edge_count", "slope"), [(None, 0.0), (3, 0.8)])
@pytest.mark.parametrize("page", [False, True])
def test_peak_stats_match_bluesky(edge_count: int | None, slope: float, page: bool) -> None:
    docs = scan_docs(_rows(slope=slope), page=page)
    ours = PeakStats("motor", "det", edge_count=edge_count)
    theirs = BlueskyPeakStats("motor", "det", edge_count=edge_count)
    feed(ours, docs)
    feed(theirs, docs)
    assert ours.com == pytest.approx(theirs.com)
    assert ours.cen == pytest.approx(theirs.cen)
    assert ours.fwhm == pytest.approx(theirs.fwhm)
    assert ours.max == pytest.approx(tuple(theirs.max))
    assert ours.min == pytest.approx(tuple(theirs.min))
    assert ours.crossings == pytest.approx(tuple(theirs.crossings))
    assert ours.cen == pytest.approx(0.7, abs=0.05)
    assert ours.fwhm == pytest.approx(2.3548 * 0.4, rel=0.05)


def test_derivative_stats_match_bluesky() -> None:
    x = np.linspace(-2, 2, 41)
    y = 1 / (1 + np.exp(-(x - 0.4) / 0.1))  # a knife edge at 0.4
    docs = scan_docs([{"motor": float(a), "det": float(b)} for a, b in zip(x, y, strict=True)])
    ours = PeakStats("motor", "det", derivative=True)
    theirs = BlueskyPeakStats("motor", "det", calc_derivative_and_stats=True)
    feed(ours, docs)
    feed(theirs, docs)
    assert ours.derivative_result is not None
    deriv = theirs.derivative_stats
    assert ours.derivative_result.cen == pytest.approx(deriv.cen)
    assert ours.derivative_result.com == pytest.approx(deriv.com)
    assert ours.derivative_result.fwhm == pytest.approx(deriv.fwhm)
    assert ours.derivative_result.max == pytest.approx(tuple(deriv.max))
    # differences sit at x[i], half a step (0.05) right of the true edge
    assert ours.derivative_result.cen == pytest.approx(0.45, abs=0.01)


def test_peak_stats_without_data_or_before_stop() -> None:
    peaks = PeakStats("motor", "det")
    assert peaks.result is None
    assert peaks.cen is None
    assert peaks.max is None
    feed(peaks, scan_docs([{"other": 1.0}]))
    assert peaks.result == PeakResult()
    assert peaks.com is None
    assert peaks.fwhm is None
    assert peaks.crossings is None
    assert len(peaks.x_data) == 0
    assert len(peaks.y_data) == 0


async def test_peak_result_is_awaitable_at_stop() -> None:
    docs = scan_docs(_rows())
    peaks = PeakStats("motor", "det")
    waiter = asyncio.create_task(peaks.wait_result(timeout=5))
    await asyncio.sleep(0)
    for name, doc in docs[:-1]:
        peaks(name, doc)
    await asyncio.sleep(0)
    assert not waiter.done()
    peaks(*docs[-1])
    result = await waiter
    assert result is peaks.result
    assert result.cen == pytest.approx(0.7, abs=0.05)
    assert (await peaks.wait_result()) is result  # already stopped: immediate


async def test_waiting_for_a_result_times_out() -> None:
    with pytest.raises(TimeoutError):
        await PeakStats("motor", "det").wait_result(timeout=0.01)


async def test_result_set_from_a_worker_thread_wakes_the_loop() -> None:
    docs = scan_docs(_rows())
    peaks = PeakStats("motor", "det")
    waiter = asyncio.create_task(peaks.wait_result(timeout=5))
    await asyncio.sleep(0)
    await asyncio.to_thread(feed, peaks, docs)
    assert (await waiter).npoints == 41


def _gauss_guess(x: np.ndarray, y: np.ndarray) -> dict[str, float]:
    return {"amp": float(y.max()), "cen": float(x[np.argmax(y)]), "sigma": 0.5, "bkg": 0.0}


@pytest.mark.parametrize("guess", [_gauss_guess, {"amp": 8, "cen": 0.5, "sigma": 0.5, "bkg": 0}])
async def test_live_fit_recovers_gaussian(guess: object) -> None:
    fit = LiveFit(_gauss, "det", {"x": "motor"}, guess, update_every=10)  # type: ignore[arg-type]
    docs = scan_docs(_rows())
    for name, doc in docs[:-1]:
        fit(name, doc)
    assert fit.result is not None
    assert fit.result.success
    fit(*docs[-1])
    result = await fit.wait_result(timeout=5)
    assert isinstance(result, FitResult)
    assert result.success
    assert result["cen"] == pytest.approx(0.7, abs=0.01)
    assert result.params["sigma"] == pytest.approx(0.4, abs=0.01)
    assert result.stderr["cen"] < 0.01
    assert fit.evaluate(x=np.array([0.7]))[0] == pytest.approx(11.0, abs=0.1)


def test_live_fit_two_independent_variables() -> None:
    def plane(x: np.ndarray, y: np.ndarray, a: float, b: float, c: float) -> np.ndarray:
        return a * x + b * y + c

    rows = [
        {"m1": float(i), "m2": float(i % 3), "det": 2.0 * i - 1.0 * (i % 3) + 5} for i in range(9)
    ]
    fit = LiveFit(plane, "det", {"x": "m1", "y": "m2"}, {"a": 1, "b": 1, "c": 0})
    feed(fit, scan_docs(rows, page=True))
    assert fit.result is not None
    assert fit.result.params == pytest.approx({"a": 2.0, "b": -1.0, "c": 5.0})


def test_live_fit_reports_failures() -> None:
    fit = LiveFit(_gauss, "det", {"x": "motor"}, {})
    with pytest.raises(ValueError, match="no successful fit"):
        fit.evaluate(x=np.zeros(1))
    feed(fit, scan_docs(_rows()[:2]))
    assert fit.result is not None
    assert not fit.result.success
    assert "2 points < 4 params" in fit.result.message

    def bad(x: np.ndarray, a: float) -> np.ndarray:
        raise ValueError("model exploded")

    fit = LiveFit(bad, "det", {"x": "motor"}, {"a": 1})
    feed(fit, scan_docs(_rows()))
    assert fit.result is not None
    assert not fit.result.success
    assert "exploded" in fit.result.message


def test_live_fit_checks_model_signature() -> None:
    with pytest.raises(ValueError, match="reorder the model's arguments"):
        LiveFit(_gauss, "det", {"motor": "motor"}, {})
