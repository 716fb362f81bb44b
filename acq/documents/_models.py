"""Pydantic v2 models of the event-model 1.24 documents: the one source of truth.

Field names, required/optional fields, value types and extra-key rules follow the
official event-model 1.24 JSON schemas:

- ``start``, ``descriptor``, ``stop``: extra keys are allowed when their names hold
  no ``.`` or ``/`` (and, recursively, the keys of dicts inside them);
- ``event``, ``event_page``, ``resource``, ``datum``, ``datum_page``: no extra keys;
- ``stream_resource``, ``stream_datum``: extra keys allowed.

Optional fields are "NotRequired" in event-model: they may be absent, and when
present they must have the declared type (``None`` only where the schema says so).
Models are strict (no ``"1"`` -> ``1`` coercion), as JSON Schema is.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.config import JsonDict

__all__ = [
    "CalculatedEventProjection",
    "Calculation",
    "Configuration",
    "ConfigurationProjection",
    "DataKey",
    "Datum",
    "DatumPage",
    "Event",
    "EventDescriptor",
    "EventPage",
    "Limits",
    "LimitsRange",
    "LinkedEventProjection",
    "PerObjectHint",
    "Projection",
    "RdsRange",
    "Resource",
    "RunStart",
    "RunStartHints",
    "RunStop",
    "StaticProjection",
    "StreamDatum",
    "StreamRange",
    "StreamResource",
]

_DTYPE_NUMPY = r"[|<>][tbiufcmMOSUV][0-9]+"
_EXTRA_KEY = re.compile(r"^([^./]+)$")


def _absent(description: str) -> Any:
    """An optional ("NotRequired") field: may be absent; if present, must be valid."""
    return Field(default=None, description=description)


def _check_data_type(value: Any, where: str) -> None:
    """event-model's ``DataType``: nested dict keys may hold no ``.`` or ``/``."""
    if isinstance(value, dict):
        for key, sub in value.items():
            if not isinstance(key, str) or not _EXTRA_KEY.match(key):
                raise ValueError(
                    f"key {key!r} inside {where!r} may not contain '.' or '/' "
                    "(event-model DataType rule); rename the key"
                )
            _check_data_type(sub, f"{where}.{key}")


def _extra_keys_schema(schema: JsonDict) -> None:
    schema["additionalProperties"] = False
    schema["patternProperties"] = {_EXTRA_KEY.pattern: {}}


class _Strict(BaseModel):
    """Base: strict types, extra keys forbidden unless a subclass allows them."""

    model_config = ConfigDict(strict=True, extra="forbid", populate_by_name=True)


class _Open(_Strict):
    model_config = ConfigDict(extra="allow")


class _Extensible(_Strict):
    """Documents that take extra metadata keys (names without ``.`` or ``/``).

    event-model applies its ``DataType`` rule to every top-level key of these
    documents: the name matches ``^[^./]+$`` and, where ``_deep_key_rule`` is set
    (start, descriptor), dicts inside the value hold no such keys either.
    """

    model_config = ConfigDict(extra="allow", json_schema_extra=_extra_keys_schema)
    _deep_key_rule: ClassVar[bool] = True

    @model_validator(mode="before")
    @classmethod
    def _key_names(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                if not isinstance(key, str) or not _EXTRA_KEY.match(key):
                    raise ValueError(
                        f"extra key {key!r} may not contain '.' or '/'; rename it "
                        "(event-model allows extra metadata keys only without them)"
                    )
                if cls._deep_key_rule:
                    _check_data_type(value, key)
        return data


# --------------------------------------------------------------------- start


class RunStartHints(_Open):
    """Start-level hints (``start["hints"]``)."""

    dimensions: list[list[list[str] | str]] = _absent(
        "The independent axes of the experiment. Ordered slow to fast"
    )


class Calculation(_Open):
    callable: str = Field(description="callable function to perform calculation")
    args: list[Any] = _absent("positional arguments of the callable")
    kwargs: dict[str, Any] = _absent("kwargs for calculation callable")


class ConfigurationProjection(_Open):
    type: Literal["linked"]
    location: Literal["configuration"]
    stream: str
    config_index: int
    config_device: str
    field: str


class LinkedEventProjection(_Open):
    type: Literal["linked"]
    location: Literal["event"]
    stream: str
    field: str


class CalculatedEventProjection(_Open):
    type: Literal["calculated"]
    location: Literal["event"]
    stream: str
    field: str
    calculation: Calculation


class StaticProjection(_Open):
    type: Literal["static"]
    value: Any


class Projection(_Open):
    """Describe how to interpret this run as the given projection."""

    name: str = _absent("The name of the projection")
    version: str
    configuration: dict[str, Any]
    projection: dict[
        str,
        ConfigurationProjection
        | LinkedEventProjection
        | CalculatedEventProjection
        | StaticProjection,
    ]


class RunStart(_Extensible):
    """``start``: created at the start of a run; later documents link to it."""

    uid: str = Field(description="Globally unique ID for this run")
    time: float = Field(description="Time the run started. Unix epoch time")
    data_groups: list[str] = _absent("Data access groups of an external system")
    data_session: str = _absent("An optional field for grouping runs")
    data_type: Any = _absent("data_type")
    group: str = _absent("Unix group to associate this data with")
    hints: RunStartHints = _absent("Start-level hints")
    owner: str = _absent("Unix owner to associate this data with")
    project: str = _absent("Name of project that this run is part of")
    projections: list[Projection] = _absent("Projections of this run")
    sample: dict[str, Any] | str = _absent("Information about the sample, or a UID")
    scan_id: int = _absent("Scan ID number, not globally unique")


# --------------------------------------------------------------------- descriptor


class LimitsRange(_Strict):
    low: float | None
    high: float | None


class RdsRange(_Open):
    """RDS (read different than set) parameters."""

    time_difference: float
    value_difference: float


class Limits(_Strict):
    """EPICS-style limits of a data key."""

    control: LimitsRange | None = _absent("Control limits.")
    display: LimitsRange | None = _absent("Display limits.")
    warning: LimitsRange | None = _absent("Warning limits.")
    alarm: LimitsRange | None = _absent("Alarm limits.")
    hysteresis: float | None = _absent("Hysteresis.")
    rds: RdsRange | None = _absent("RDS parameters.")


class DataKey(_Open):
    """Describes one entry of the ``data`` of Event documents."""

    dtype: Literal["string", "number", "array", "boolean", "integer"]
    shape: list[int | None]
    source: str
    choices: list[str] = _absent("Choices of enum value.")
    dims: list[str] = _absent("The names for dimensions of the data.")
    dtype_numpy: str | list[Any] = _absent("numpy dtype string (or structured)")
    external: str = _absent("Where the data is stored if it is stored external to the events")
    limits: Limits = _absent("Epics limits.")
    object_name: str = _absent("The name of the object this key was pulled from.")
    precision: int | None = _absent("Number of digits after the decimal point")
    units: str | None = _absent("Engineering units of the value")

    @model_validator(mode="after")
    def _patterns(self) -> DataKey:
        if self.external is not None and not re.match(r"^[A-Z]+:?", self.external):
            raise ValueError(
                f"external={self.external!r} must start with upper-case letters, "
                "e.g. 'FILESTORE:' or 'STREAM:'"
            )
        dts: list[Any] = [self.dtype_numpy] if isinstance(self.dtype_numpy, str) else []
        for item in self.dtype_numpy if isinstance(self.dtype_numpy, list) else []:
            if not isinstance(item, list | tuple) or len(item) < 2 or not isinstance(item[0], str):
                raise ValueError(
                    f"dtype_numpy item {item!r} must be a [name, dtype] pair like ['x', '<f8']"
                )
            dts.append(item[1])
        for dt in dts:
            if not isinstance(dt, str) or not re.search(_DTYPE_NUMPY, dt):
                raise ValueError(f"dtype_numpy {dt!r} is not a numpy dtype string like '<f8'")
        return self


class Configuration(_Open):
    data: dict[str, Any] = _absent("The actual measurement data")
    data_keys: dict[str, DataKey] = _absent("Describes the configuration data")
    timestamps: dict[str, Any] = _absent("Timestamps of the configuration data")


class PerObjectHint(_Open):
    """Descriptor hints: 'interesting' data keys (other keys are allowed)."""

    NX_class: str = _absent("The NeXus class definition for this device.")
    fields: list[str] = _absent("The 'interesting' data keys for this device.")

    @model_validator(mode="after")
    def _nx_class(self) -> PerObjectHint:
        if self.NX_class is not None and not re.search(r"^NX[A-Za-z_]+$", self.NX_class):
            raise ValueError(f"NX_class {self.NX_class!r} must look like 'NXdetector'")
        return self


class EventDescriptor(_Extensible):
    """``descriptor``: describes the data of the events of one stream."""

    uid: str = Field(description="Globally unique ID for this event descriptor.")
    run_start: str = Field(description="Globally unique ID of this run's 'start' document.")
    time: float = Field(description="Creation time of the document as unix epoch time.")
    data_keys: dict[str, DataKey] = Field(description="Describes the data in the Events.")
    configuration: dict[str, Configuration] = _absent("Readings of configurational fields")
    hints: PerObjectHint = _absent("Hints")
    name: str = _absent("A human-friendly name for this data stream, e.g. 'primary'")
    object_classes: dict[str, str] = _absent("Maps object names to their type's import path")
    object_keys: dict[str, Any] = _absent("Maps object names to their data_keys entries")


# --------------------------------------------------------------------- events


class Event(_Strict):
    """``event``: one quantum of collected data."""

    uid: str = Field(description="Globally unique identifier for this Event")
    time: float = Field(description="The event time")
    descriptor: str = Field(description="UID of the EventDescriptor of this Event")
    seq_num: int = Field(description="Position of this Event in its stream, from 1")
    data: dict[str, Any] = Field(description="The actual measurement data")
    timestamps: dict[str, Any] = Field(description="The timestamps of the data")
    filled: dict[str, bool | str] = _absent("External keys -> False or a foreign key")


class EventPage(_Strict):
    """``event_page``: a page of events of one descriptor, column-wise."""

    uid: list[str] = Field(description="Globally unique identifiers of the Events")
    time: list[float] = Field(description="Event times")
    descriptor: str = Field(description="UID of the EventDescriptor of all the Events")
    seq_num: list[int] = Field(description="Sequence numbers of the Events")
    data: dict[str, list[Any]] = Field(description="The actual measurement data")
    timestamps: dict[str, list[Any]] = Field(description="The timestamps of the data")
    filled: dict[str, list[bool | str]] = _absent("External keys -> False or foreign keys")


# --------------------------------------------------------------------- stop


class RunStop(_Extensible):
    """``stop``: end of a run, with its exit status."""

    _deep_key_rule: ClassVar[bool] = False  # stop's DataType accepts any value

    uid: str = Field(description="Globally unique ID for this document")
    run_start: str = Field(description="UID of the run_start document")
    time: float = Field(description="The time the run ended. Unix epoch")
    exit_status: Literal["success", "abort", "fail"]
    data_type: Any = _absent("data_type")
    num_events: dict[str, int] = _absent("Number of Events per named stream")
    reason: str = _absent("Long-form description of why the run ended")


# --------------------------------------------------------------------- external data


class Resource(_Strict):
    """``resource``: a file (or group of files) of externally stored data."""

    uid: str = Field(description="Globally unique identifier for this Resource")
    spec: str = Field(description="Format of the Resource, selects a Handler")
    root: str = Field(description="Subset of resource_path that is a local detail")
    resource_path: str = Field(description="Filepath or URI for locating this resource")
    resource_kwargs: dict[str, Any] = Field(description="Arguments for the Handler")
    path_semantics: Literal["posix", "windows"] = _absent("Rules for joining paths")
    run_start: str = _absent("UID of the run_start document")


class Datum(_Strict):
    """``datum``: one quantum of externally stored data."""

    datum_id: str = Field(description="Unique id, formatted '<resource>/<integer>'")
    resource: str = Field(description="UID of the Resource of this Datum")
    datum_kwargs: dict[str, Any] = Field(description="Arguments for the Handler")


class DatumPage(_Strict):
    """``datum_page``: a page of datums of one resource, column-wise."""

    datum_id: list[str] = Field(description="Unique ids, formatted '<resource>/<integer>'")
    resource: str = Field(description="UID of the Resource of all Datums in the page")
    datum_kwargs: dict[str, list[Any]] = Field(description="Arguments for the Handler")


class StreamRange(_Open):
    """A range of integers: ``start`` included, ``stop`` excluded."""

    start: int
    stop: int


class StreamResource(_Open):
    """``stream_resource``: a collection of externally stored data streams."""

    uid: str = Field(description="Globally unique identifier for this Stream Resource")
    data_key: str = Field(description="The data_key of the Descriptor being streamed")
    mimetype: str = Field(description="Format of the Stream Resource, selects a Handler")
    uri: str = Field(description="URI for locating this resource")
    parameters: dict[str, Any] = Field(description="Keyword arguments for the Handler")
    run_start: str = _absent("UID of the run_start document")


class StreamDatum(_Open):
    """``stream_datum``: a slice of an externally stored stream."""

    uid: str = Field(description="Unique id, '<stream_resource>/<n>'")
    stream_resource: str = Field(description="UID of the Stream Resource")
    descriptor: str = Field(description="UID of the EventDescriptor")
    indices: StreamRange = Field(description="Slice handed to the StreamResource handler")
    seq_nums: StreamRange = Field(description="Event numbers this datum corresponds to")
