"""Clocks for simulated devices: real time, or virtual time that tests need not wait for."""

from __future__ import annotations

import asyncio
import time

__all__ = ["RealClock", "VirtualClock"]


class RealClock:
    """Wall-clock time: ``time()`` is ``time.monotonic()``, ``sleep`` really sleeps."""

    def time(self) -> float:
        """Seconds on a monotonic clock."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Sleep ``seconds``."""
        await asyncio.sleep(seconds)


class VirtualClock:
    """Virtual time: ``sleep`` advances ``time()`` at once (after one loop turn).

    Simulated moves and exposures then follow their real profile without taking
    real time: tests and benchmarks see every intermediate position instantly.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def time(self) -> float:
        """Virtual seconds since ``start``."""
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Advance virtual time by ``seconds`` and yield to the loop once."""
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)
