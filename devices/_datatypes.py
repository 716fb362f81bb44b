"""Datatypes a signal can carry: checking values and describing them as data keys.

A converter is chosen once per signal from its declared datatype; ``check`` is
called on every put and ``datakey`` builds the ``describe()`` entry.
"""

from __future__ import annotations

import enum
from typing import Any

import numpy as np

from devices._backend import DataKey
from devices._exceptions import ChoiceError, DatatypeError

__all__ = ["StrictEnum", "SubsetEnum"]

_STRING_DTYPE = "|S40"


class StrictEnum(enum.StrEnum):
    """An enum datatype whose members must match the transport's choices exactly."""


class SubsetEnum(enum.StrEnum):
    """An enum datatype whose members need only be a subset of the transport's choices."""


class _Converter:
    dtype: Any = "number"
    dtype_numpy = "<f8"
    default: Any = 0.0

    def check(self, value: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def datakey(self, source: str, value: Any) -> DataKey:
        return {"source": source, "dtype": self.dtype, "shape": [], "dtype_numpy": self.dtype_numpy}

    def expected(self) -> str:
        return str(self.dtype)


def _bad(value: Any, expected: str) -> DatatypeError:
    return DatatypeError(
        f"expected {expected}, got {value!r} of type {type(value).__name__}; "
        f"pass a {expected} value"
    )


class _Float(_Converter):
    def check(self, value: Any) -> Any:
        if isinstance(value, float):
            return value
        if isinstance(value, int | np.integer | np.floating) and not isinstance(value, bool):
            return float(value)
        raise _bad(value, "float")


class _Int(_Converter):
    dtype = "integer"
    dtype_numpy = "<i8"
    default = 0

    def check(self, value: Any) -> Any:
        if isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_):
            return int(value)
        if isinstance(value, float | np.floating) and float(value).is_integer():
            return int(value)
        raise _bad(value, "int")


class _Bool(_Converter):
    dtype = "boolean"
    dtype_numpy = "|b1"
    default = False

    def check(self, value: Any) -> Any:
        if isinstance(value, bool | np.bool_):
            return bool(value)
        raise _bad(value, "bool")


class _Str(_Converter):
    dtype = "string"
    dtype_numpy = _STRING_DTYPE
    default = ""

    def check(self, value: Any) -> Any:
        if isinstance(value, str):
            return value
        raise _bad(value, "str")


class _Enum(_Converter):
    dtype = "string"
    dtype_numpy = _STRING_DTYPE

    def __init__(self, datatype: type[enum.Enum]) -> None:
        self.datatype = datatype
        self.choices = [str(m.value) for m in datatype]
        self.by_value = {str(m.value): m for m in datatype}
        self.default = next(iter(datatype))

    def check(self, value: Any) -> Any:
        if isinstance(value, self.datatype):
            return value
        if isinstance(value, str):
            member = self.by_value.get(value)
            if member is None:
                raise ChoiceError(
                    f"{value!r} is not one of the choices {self.choices}; "
                    f"pass one of them (or a {self.datatype.__name__} member)"
                )
            return member
        raise _bad(value, f"{self.datatype.__name__} member or str")

    def datakey(self, source: str, value: Any) -> DataKey:
        dk = super().datakey(source, value)
        dk["choices"] = list(self.choices)
        return dk


class _Array(_Converter):
    dtype = "array"

    def __init__(self) -> None:
        self.default = np.zeros(0, dtype=np.float64)

    def check(self, value: Any) -> Any:
        if isinstance(value, np.ndarray):
            return value
        if isinstance(value, list | tuple):
            try:
                return np.asarray(value)
            except ValueError as exc:
                raise _bad(value, "numpy array") from exc
        raise _bad(value, "numpy array (or a list)")

    def check_against(self, value: Any, cur: np.dtype[Any]) -> np.ndarray[Any, Any]:
        """Check ``value`` against the signal's declared ``cur`` dtype and cast to it."""
        arr: np.ndarray[Any, Any] = self.check(value)
        if cur.names is not None:
            if arr.dtype.names != cur.names:
                raise DatatypeError(
                    f"expected a table with columns {list(cur.names)}, got "
                    f"{list(arr.dtype.names or [])}; pass a structured array with those columns"
                )
            return arr
        if arr.dtype.names is not None or not np.can_cast(arr.dtype, cur, "same_kind"):
            raise DatatypeError(
                f"expected an array of {cur}, got one of {arr.dtype}; convert it with "
                f"numpy.asarray(value, dtype={cur.str!r})"
            )
        return arr if arr.dtype == cur else arr.astype(cur)

    def datakey(self, source: str, value: Any) -> DataKey:
        arr: np.ndarray[Any, Any] = value
        dk: DataKey = {"source": source, "dtype": "array", "shape": list(arr.shape)}
        if arr.dtype.names is not None:
            dk["dtype_numpy"] = [(str(n), arr.dtype[n].str) for n in arr.dtype.names]
        else:
            dk["dtype_numpy"] = arr.dtype.str
        return dk


class _Any(_Converter):
    """No datatype declared: take what comes, describe it by its Python type."""

    def check(self, value: Any) -> Any:
        return value

    def datakey(self, source: str, value: Any) -> DataKey:
        if isinstance(value, np.ndarray):
            return _Array().datakey(source, value)
        for typ, conv in ((bool, _Bool), (int, _Int), (float, _Float), (str, _Str)):
            if isinstance(value, typ):
                return conv().datakey(source, value)
        return super().datakey(source, value)


def _make_converter(datatype: Any) -> _Converter:
    """The converter for a declared datatype (raises ``DatatypeError`` if unsupported)."""
    scalar = _SCALARS.get(datatype)
    if scalar is not None:
        return scalar
    if isinstance(datatype, type) and issubclass(datatype, enum.Enum):
        return _Enum(datatype)
    if datatype is np.ndarray:
        return _Array()
    raise DatatypeError(
        f"unsupported signal datatype {datatype!r}; use bool, int, float, str, an Enum "
        "subclass (StrictEnum/SubsetEnum) or numpy.ndarray"
    )


_SCALARS: dict[Any, _Converter] = {
    None: _Any(),
    float: _Float(),
    bool: _Bool(),
    int: _Int(),
    str: _Str(),
}
