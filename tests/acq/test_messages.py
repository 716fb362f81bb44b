from __future__ import annotations

from typing import Any

import pytest

import acq
from acq.messages import Msg, bind_handler, current_handler, send, unbind_handler


def test_msg_signature_matches_bluesky() -> None:
    m = Msg("set", "motor", 1.0, 2, group="A", run="r1")
    assert (m.command, m.obj, m.args, m.kwargs, m.run) == (
        "set",
        "motor",
        (1.0, 2),
        {"group": "A"},
        "r1",
    )
    assert m == Msg("set", "motor", 1.0, 2, group="A", run="r1")
    assert m != Msg("set", "motor", 1.0, 2, group="B", run="r1")
    assert m.__eq__(("set",)) is NotImplemented
    assert "group" in repr(m)
    with pytest.raises(TypeError):
        hash(m)


class _Recorder:
    def __init__(self) -> None:
        self.seen: list[Msg] = []

    async def process(self, msg: Msg) -> Any:
        self.seen.append(msg)
        return len(self.seen)


async def test_send_goes_to_bound_handler_and_unbinds() -> None:
    assert current_handler() is None
    rec = _Recorder()
    token = bind_handler(rec)
    try:
        assert current_handler() is rec
        assert await send(Msg("null")) == 1
    finally:
        unbind_handler(token)
    assert current_handler() is None
    with pytest.raises(acq.PlanError, match="'null' was awaited outside a RunEngine"):
        await send(Msg("null"))


def test_lazy_attribute_errors_name_the_attribute() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        _ = acq.no_such_name
    assert "AcqError" in dir(acq)
