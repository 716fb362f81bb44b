"""Datatype mapping between Channel Access field types and Python types.

One converter per signal, chosen at connect time from the PV's native field
type, element count and (for enums) its choices, and the datatype the signal
was declared with. It says what to request from aioca, turns what aioca returns
into the declared type, validates a value before a put, and describes the
value for ``describe()``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

import aioca
import numpy as np

from devices import SubsetEnum
from devices._backend import DataKey, Dtype
from devices.epics._errors import CaChoiceError, CaDatatypeError, CaLimitError, CaValueError

# Native field types (DBF_*) as libca reports them.
STRING, SHORT, FLOAT, ENUM, CHAR, LONG, DOUBLE = range(7)
_DBF_NAMES = ["STRING", "SHORT", "FLOAT", "ENUM", "CHAR", "LONG", "DOUBLE", "NO_ACCESS"]
_NUMPY = {SHORT: "<i2", FLOAT: "<f4", CHAR: "|u1", LONG: "<i4", DOUBLE: "<f8"}
_MAX_STRING = 39  # 40 bytes with the terminating NUL


@dataclass
class _PvInfo:
    """What connect learned about one PV."""

    pv: str
    dbf: int
    count: int
    writable: bool
    choices: list[str] = field(default_factory=list)
    low: float | None = None  # control limits (DRVL/DRVH on outputs)
    high: float | None = None
    ctrl_loaded: bool = False


@dataclass
class _Converter:
    """How one signal's values travel (see the module docstring)."""

    kind: str
    dtype: Dtype
    shape: list[int | None]
    dtype_numpy: str
    request: Any = None  # datatype argument for aioca
    count: int = 0
    enum_cls: type[enum.Enum] | None = None
    choices: list[str] = field(default_factory=list)

    def value(self, raw: Any) -> Any:
        kind = self.kind
        if kind == "float":
            return float(raw)
        if kind == "int":
            return int(raw)
        if kind == "bool":
            return bool(raw)
        if kind == "array":
            return np.asarray(raw).view(np.ndarray)
        if kind == "enum" and self.enum_cls is not None:
            try:
                return self.enum_cls(str(raw))
            except ValueError:
                return str(raw)
        return str(raw)

    def to_put(self, value: Any, target: _PvInfo) -> tuple[Any, Any]:
        """Validate ``value`` for ``target`` and return ``(value, datatype)`` for caput."""
        kind = self.kind
        if kind == "enum" or (kind == "str" and target.dbf == ENUM):
            if isinstance(value, int) and 0 <= value < max(len(target.choices), 1):
                return value, None  # an index (a trigger writes 1)
            text = value.value if isinstance(value, enum.Enum) else str(value)
            if target.choices and text not in target.choices:
                raise CaChoiceError(
                    f"ca://{target.pv}: {text!r} is not one of its choices "
                    f"{target.choices}; use one of those"
                )
            return text, str
        if kind == "str":
            text = str(value)
            limit = target.count - 1 if target.dbf == CHAR else _MAX_STRING
            if len(text.encode()) > limit:
                raise CaValueError(
                    f"ca://{target.pv}: a string of {len(text.encode())} bytes does not fit "
                    f"(at most {limit}); shorten it"
                )
            return text, (aioca.DBR_CHAR_STR if target.dbf == CHAR else None)
        if kind == "array":
            arr = np.asarray(value)
            if arr.ndim != 1 or arr.size > target.count:
                raise CaValueError(
                    f"ca://{target.pv}: an array of shape {arr.shape} does not fit its "
                    f"{target.count} elements (NELM); send at most {target.count}"
                )
            return arr, None
        number = int(value) if kind in ("bool", "int") else float(value)
        low, high = target.low, target.high
        if low is not None and high is not None and low < high and not low <= number <= high:
            raise CaLimitError(
                f"ca://{target.pv}: {number!r} is outside its drive limits "
                f"[{low:g}, {high:g}] (DRVL, DRVH); choose a value inside them"
            )
        return number, None

    def datakey(self, source: str, info: _PvInfo, ctrl: Any) -> DataKey:
        key: DataKey = {
            "source": source,
            "dtype": self.dtype,
            "shape": list(self.shape),
            "dtype_numpy": self.dtype_numpy,
        }
        units = getattr(ctrl, "units", None)
        if units is not None and self.kind in ("float", "int", "array"):
            key["units"] = str(units)
        precision = getattr(ctrl, "precision", None)
        if precision is not None and self.kind in ("float", "array"):
            key["precision"] = int(precision)
        if self.kind in ("float", "int", "array") and hasattr(ctrl, "upper_disp_limit"):
            key["limits"] = {
                "control": _range(ctrl, "lower_ctrl_limit", "upper_ctrl_limit"),
                "display": _range(ctrl, "lower_disp_limit", "upper_disp_limit"),
                "warning": _range(ctrl, "lower_warning_limit", "upper_warning_limit"),
                "alarm": _range(ctrl, "lower_alarm_limit", "upper_alarm_limit"),
            }
        if self.choices:
            key["choices"] = list(self.choices)
        return key


def _range(ctrl: Any, low: str, high: str) -> Any:
    lo, hi = getattr(ctrl, low, None), getattr(ctrl, high, None)
    return {
        "low": None if lo is None or lo != lo else float(lo),
        "high": None if hi is None or hi != hi else float(hi),
    }


def _mismatch(info: _PvInfo, datatype: Any, fits: str) -> CaDatatypeError:
    native = _DBF_NAMES[min(info.dbf, 7)]
    name = getattr(datatype, "__name__", repr(datatype))
    shape = f"{info.count} elements" if info.count != 1 else "a scalar"
    return CaDatatypeError(
        f"ca://{info.pv}: declared datatype {name} does not fit the PV, a DBF_{native} "
        f"with {shape}; declare {fits}, or datatype=None to take what the PV serves"
    )


def _natural(info: _PvInfo) -> str:
    if info.count != 1 and info.dbf == CHAR:
        return "str"
    if info.count != 1 and info.dbf != STRING:
        return "numpy.ndarray"
    return {STRING: "str", ENUM: "str", FLOAT: "float", DOUBLE: "float"}.get(info.dbf, "int")


def _make_converter(info: _PvInfo, datatype: Any) -> _Converter:
    """The converter for ``info`` declared as ``datatype`` (or a clear error)."""
    natural = _natural(info)
    if datatype is None:
        datatype = {"str": str, "float": float, "int": int, "numpy.ndarray": np.ndarray}[natural]
    if isinstance(datatype, type) and issubclass(datatype, enum.Enum):
        return _enum_converter(info, datatype, natural)
    if datatype is bool and (info.dbf == ENUM or natural == "int") and info.count == 1:
        if info.dbf == ENUM and len(info.choices) > 2:
            raise _mismatch(info, datatype, f"str or an enum of {info.choices}")
        return _Converter("bool", "boolean", [], "|b1", choices=list(info.choices))
    if datatype is str and natural == "str":
        if info.dbf == ENUM:
            return _Converter("str", "string", [], "|S40", request=str, choices=info.choices)
        if info.dbf == CHAR:
            return _Converter("str", "string", [], "|S40", request=aioca.DBR_CHAR_STR)
        return _Converter("str", "string", [], "|S40")
    if datatype is float and natural == "float":
        return _Converter("float", "number", [], "<f8")
    if datatype is int and natural == "int" and info.dbf != ENUM:
        return _Converter("int", "integer", [], "<i8")
    if datatype is np.ndarray and info.dbf not in (STRING, ENUM) and info.count != 1:
        return _Converter("array", "array", [info.count], _NUMPY[info.dbf], count=0)
    raise _mismatch(info, datatype, natural)


def _enum_converter(info: _PvInfo, datatype: type[enum.Enum], natural: str) -> _Converter:
    values = [str(m.value) for m in datatype]
    if info.dbf == ENUM:
        missing = [v for v in values if v not in info.choices]
        subset = issubclass(datatype, SubsetEnum)
        if missing or (not subset and set(values) != set(info.choices)):
            how = "a subset of" if subset else "exactly"
            raise CaDatatypeError(
                f"ca://{info.pv}: enum {datatype.__name__} must have {how} the PV's "
                f"choices {info.choices} but has {values}; fix the enum"
                + ("" if subset else ", or subclass devices.SubsetEnum")
            )
        return _Converter("enum", "string", [], "|S40", str, 0, datatype, list(info.choices))
    if info.dbf == STRING and info.count == 1:
        return _Converter("enum", "string", [], "|S40", None, 0, datatype, values)
    raise _mismatch(info, datatype, natural)
