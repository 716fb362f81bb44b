"""plans: the plan library (``async def`` coroutines that talk to the engine via stubs)."""

from __future__ import annotations

__all__: list[str] = []
