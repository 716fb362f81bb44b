"""Validation of ``(name, doc)`` pairs against the models, with readable errors."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from acq._exceptions import DocumentValidationError
from acq.documents._models import (
    Datum,
    DatumPage,
    Event,
    EventDescriptor,
    EventPage,
    Resource,
    RunStart,
    RunStop,
    StreamDatum,
    StreamResource,
)

__all__ = ["DOCUMENT_MODELS", "validate_document"]

#: Document name (as in ``(name, doc)`` pairs) -> the pydantic model of that document.
DOCUMENT_MODELS: dict[str, type[BaseModel]] = {
    "start": RunStart,
    "descriptor": EventDescriptor,
    "event": Event,
    "event_page": EventPage,
    "stop": RunStop,
    "resource": Resource,
    "datum": Datum,
    "datum_page": DatumPage,
    "stream_resource": StreamResource,
    "stream_datum": StreamDatum,
}


def _unknown_name(name: object) -> DocumentValidationError:
    return DocumentValidationError(
        f"unknown document name {name!r}: expected one of {', '.join(DOCUMENT_MODELS)}"
    )


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _describe_error(name: str, err: Any) -> str:
    loc = ".".join(str(part) for part in err["loc"])
    kind = err["type"]
    given = err.get("input")
    if kind == "missing":
        return f"{name} document: field {loc!r} is required but missing; add it"
    if kind == "extra_forbidden":
        return (
            f"{name} document: field {loc!r} is not allowed (a {name} document takes no "
            "extra keys); remove it or move it into the start document's metadata"
        )
    problem = err["msg"].removeprefix("Value error, ")
    if not loc:
        return f"{name} document: {problem}"
    return f"{name} document: field {loc!r}: {problem} (got {type(given).__name__} {_short(given)})"


def _error_from(name: str, exc: ValidationError) -> DocumentValidationError:
    errors = exc.errors(include_url=False)
    lines = [_describe_error(name, e) for e in errors[:5]]
    if len(errors) > 5:
        lines.append(f"... and {len(errors) - 5} more problem(s)")
    return DocumentValidationError("\n".join(lines))


def validate_document(name: str, doc: Any) -> dict[str, Any]:
    """Validate ``doc`` as a ``name`` document and return it unchanged.

    Raises :class:`acq.DocumentValidationError` naming the document type, the field
    and the problem.
    """
    model = DOCUMENT_MODELS.get(name) if isinstance(name, str) else None
    if model is None:
        raise _unknown_name(name)
    if not isinstance(doc, dict):
        raise DocumentValidationError(
            f"{name} document: expected a dict (JSON object), got {type(doc).__name__} "
            f"{_short(doc)}"
        )
    try:
        model.model_validate(doc)
    except ValidationError as exc:
        raise _error_from(name, exc) from None
    return doc
