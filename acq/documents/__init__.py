"""Event-model documents: pydantic models, msgspec codecs and composition helpers."""

from __future__ import annotations

__all__: list[str] = []
