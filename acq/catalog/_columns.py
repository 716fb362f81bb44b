"""Columns as binary blobs: numeric arrays as raw bytes, everything else as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import msgspec
import numpy as np

_NUMERIC = frozenset("biufc")


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    raise TypeError(f"cannot store {type(obj).__name__} {obj!r} in the catalog")


_encoder = msgspec.json.Encoder(enc_hook=_json_default)


def _dumps(obj: Any) -> str:
    """Compact JSON text (numpy values as plain numbers/lists; NaN becomes null)."""
    return _encoder.encode(obj).decode()


def _encode_column(values: Sequence[Any] | np.ndarray) -> tuple[str, str, bytes]:
    """``(dtype, row_shape, payload)`` for one column of ``n`` rows."""
    arr: np.ndarray | None
    try:
        arr = np.asarray(values)
    except ValueError:  # ragged rows
        arr = None
    if arr is not None and arr.dtype.kind in _NUMERIC and arr.ndim >= 1:
        arr = np.ascontiguousarray(arr)
        return arr.dtype.str, _dumps(list(arr.shape[1:])), arr.tobytes()
    return "json", "[]", _dumps(list(values)).encode()


def _decode_column(dtype: str, shape: str, n: int, payload: bytes) -> np.ndarray:
    if dtype == "json":
        items = json.loads(payload)
        try:
            return np.asarray(items)
        except ValueError:  # ragged rows
            out = np.empty(len(items), dtype=object)
            out[:] = items
            return out
    row_shape = tuple(json.loads(shape))
    return np.frombuffer(payload, dtype=np.dtype(dtype)).reshape((n, *row_shape))


def _concat(parts: list[np.ndarray]) -> np.ndarray:
    if not parts:
        return np.empty(0)
    if len(parts) == 1:
        return parts[0]
    try:
        return np.concatenate(parts)
    except ValueError:  # pragma: no cover - mixed row shapes across batches
        out = np.empty(sum(len(p) for p in parts), dtype=object)
        out[:] = [row for p in parts for row in p]
        return out
