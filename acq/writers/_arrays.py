"""Array values of events: filling external data and the no-silent-cast rule."""

from __future__ import annotations

from typing import Any

import numpy as np

from acq._exceptions import WriterError
from acq.writers._external import _External


def _is_external(data_key: dict[str, Any]) -> bool:
    return bool(data_key.get("external"))


def _event_array(
    key: str,
    value: Any,
    data_key: dict[str, Any],
    external: _External,
    stream: str,
) -> np.ndarray[Any, Any]:
    """The array an event holds for ``key``: filled if external, dtype checked.

    Lists (no dtype of their own, e.g. decoded JSON) take the declared
    ``dtype_numpy`` if the conversion is exact; numpy arrays must already have it.
    """
    if _is_external(data_key) and isinstance(value, str):
        arr = external.datum_value(value)
    elif isinstance(value, np.ndarray):
        arr = value
    else:
        arr = np.asarray(value)
        declared = data_key.get("dtype_numpy")
        if declared and isinstance(declared, str) and arr.dtype != np.dtype(declared):
            with np.errstate(all="ignore"):
                converted = arr.astype(declared)
                same = converted.astype(arr.dtype) == arr
            if not np.all(same):
                bad = arr[~same].flat[0] if arr.ndim else arr
                raise WriterError(
                    f"{stream}/{key}: value {bad.item()!r} does not fit the declared "
                    f"dtype_numpy {declared!r} (saw {arr.dtype}); refusing to cast. Fix the "
                    "descriptor's dtype_numpy or the device's value."
                )
            arr = converted
    _check_dtype(key, arr, data_key, stream)
    return arr


def _check_dtype(
    key: str, arr: np.ndarray[Any, Any], data_key: dict[str, Any], stream: str
) -> None:
    """Refuse an array whose dtype differs from the declared ``dtype_numpy``."""
    declared = data_key.get("dtype_numpy")
    if declared and isinstance(declared, str) and arr.dtype != np.dtype(declared):
        raise WriterError(
            f"{stream}/{key}: descriptor declares dtype_numpy {declared!r} but the data is "
            f"{arr.dtype.str!r}; acq writers never cast silently. Fix the descriptor or "
            "the detector's data type."
        )
