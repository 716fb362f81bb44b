"""A real IOC for the Channel Access tests, started once per session.

libca reads EPICS_CA_* once per process, so the client environment is set
before the first CA call and every server the tests start takes a port from
the same pool (``devices.epics.testing``). The IOC failing to start fails the
tests: there is no skip.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import aioca
import pytest

from devices.epics.sim_ioc import SimBeamline
from devices.epics.testing import MotorSimServer, SoftIoc, ca_client_environment

PREFIX = "ACQTEST:"
MOTORS = "ACQMTR:"


@pytest.fixture(scope="session")
def ioc() -> Iterator[SoftIoc]:
    ca_client_environment()
    soft = SoftIoc([("records.db", f"P={PREFIX}"), ("xystage.db", "P=Left-")])
    try:
        soft.start()
    except (RuntimeError, OSError) as exc:
        pytest.fail(f"the test IOC could not start: {exc}")
    yield soft
    soft.stop(release=True)


@pytest.fixture(scope="session")
def motor_server() -> Iterator[MotorSimServer]:
    ca_client_environment()
    server = MotorSimServer(MOTORS, ["x", "y", "z"])
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        pytest.fail(f"the caproto motor server could not start: {exc}")
    yield server
    server.stop(release=True)


@pytest.fixture
def motors(motor_server: MotorSimServer) -> str:
    """The PV prefix of the simulated motors (x, y, z)."""
    return MOTORS


@pytest.fixture(scope="session")
def sim() -> Iterator[SimBeamline]:
    """The simulated beamline, prefix ACQSIM: (motors m1..m3, det1, scaler1:, cam1:)."""
    beamline = SimBeamline("ACQSIM:")
    try:
        beamline.start()
    except (RuntimeError, OSError) as exc:
        pytest.fail(f"the simulated beamline could not start: {exc}")
    yield beamline
    beamline.stop()


@pytest.fixture
def pv(ioc: SoftIoc) -> str:
    """The PV prefix of the session IOC's records."""
    return PREFIX


@pytest.fixture(autouse=True)
async def _close_channels() -> AsyncIterator[None]:
    """Close this test loop's channels so no CA callback targets a closed loop."""
    yield
    aioca.purge_channel_caches()
