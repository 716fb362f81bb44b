"""The acq exception tree.

Every error acq raises on purpose derives from :class:`AcqError`, so
``except acq.AcqError`` catches all of them and nothing else. Messages name the
thing (device, PV, plan, parameter, document), what was expected, what was seen,
and the fix.

::

    AcqError
    ├── DocumentError             a document is malformed or out of place
    │   └── DocumentValidationError   (also a ValueError) names type, field, problem
    ├── EngineError               the RunEngine was used wrongly
    │   ├── IllegalStateError         a transition the state machine forbids
    │   ├── InvalidPlanError          RE was given something that is not a plan
    │   └── PlanError                 a plan step was invalid (names the step + object)
    │       └── PlanLimitError            a trajectory leaves a motor's limits (before the run)
    ├── RunInterrupted            a run ended early on request (abort/stop/halt)
    ├── WriterError               a writer could not write (destination, order)
    └── CatalogError              catalog storage / lookup failed
        ├── RunNotFound               (also a KeyError)
        └── QueryError                a search query got a bad value (also a ValueError)

``devices`` has its own root, ``devices.DeviceError``, because ``devices`` is
usable without acq.
"""

from __future__ import annotations

__all__ = [
    "AcqError",
    "CatalogError",
    "DocumentError",
    "DocumentValidationError",
    "EngineError",
    "IllegalStateError",
    "InvalidPlanError",
    "PlanError",
    "PlanLimitError",
    "QueryError",
    "RunInterrupted",
    "RunNotFound",
    "WriterError",
]


class AcqError(Exception):
    """Root of every error acq raises on purpose."""


class DocumentError(AcqError):
    """A document is malformed, or arrived where it cannot be used."""


class DocumentValidationError(DocumentError, ValueError):
    """A document failed validation; the message names the type, field and problem."""


class EngineError(AcqError):
    """The RunEngine was used in a way it does not support."""


class IllegalStateError(EngineError):
    """A state-machine transition that is not allowed from the current state."""


class InvalidPlanError(EngineError, TypeError):
    """The RunEngine was handed something that is not a plan."""


class PlanError(EngineError):
    """A plan step was invalid; the message names the step and the object."""


class RunInterrupted(AcqError):
    """A run ended early because the user asked (abort, stop, halt)."""


class WriterError(AcqError):
    """A writer could not write (unwritable destination, documents out of order)."""


class CatalogError(AcqError):
    """Catalog storage or lookup failed."""


class RunNotFound(CatalogError, KeyError):
    """No run matches the key (scan id, uid or uid prefix)."""

    def __str__(self) -> str:  # KeyError's str() would repr-quote the message
        return str(self.args[0]) if len(self.args) == 1 else super().__str__()


class PlanLimitError(PlanError):
    """A plan's trajectory goes outside a motor's limits; raised before the run starts."""


class QueryError(CatalogError, ValueError):
    """A search query was given a value it cannot use; names the query and accepted forms."""
