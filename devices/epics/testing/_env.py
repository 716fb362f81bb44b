"""Ports and the client's Channel Access environment for local test servers.

libca reads ``EPICS_CA_*`` once, when the first CA call of the process creates
its context. A process that starts servers after that point can still reach them
only if their ports were already on ``EPICS_CA_ADDR_LIST``. So the first call of
:func:`ca_client_environment` picks a pool of free ports on 127.0.0.1, puts all
of them on the address list and hands them out one by one to the servers the
process starts later.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Sequence

POOL_SIZE = 24

_lock = threading.Lock()
_pool: list[int] = []
_handed_out: set[int] = set()
_repeater_port: int | None = None


def _port_is_free(port: int) -> bool:
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        with socket.socket(socket.AF_INET, kind) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def free_port() -> int:
    """A port free for both TCP and UDP on 127.0.0.1 (CA servers need both)."""
    for _ in range(100):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if _port_is_free(port):
            return port
    raise OSError("no port free for both TCP and UDP on 127.0.0.1 after 100 tries")


def ca_client_environment() -> dict[str, str]:
    """Set (once per process) and return the client ``EPICS_CA_*`` variables.

    Call it before the first Channel Access call of the process.
    """
    global _repeater_port
    with _lock:
        if not _pool:
            while len(_pool) < POOL_SIZE:
                port = free_port()
                if port not in _pool:
                    _pool.append(port)
            _repeater_port = free_port()
            while _repeater_port in _pool:
                _repeater_port = free_port()
            os.environ.update(
                {
                    "EPICS_CA_ADDR_LIST": " ".join(f"127.0.0.1:{p}" for p in _pool),
                    "EPICS_CA_AUTO_ADDR_LIST": "NO",
                    "EPICS_CA_REPEATER_PORT": str(_repeater_port),
                    "EPICS_CA_MAX_ARRAY_BYTES": str(64 * 1024 * 1024),
                }
            )
        return {k: v for k, v in os.environ.items() if k.startswith("EPICS_CA_")}


def _take_port() -> int:
    """The next unused port of the pool (set up by :func:`ca_client_environment`)."""
    ca_client_environment()
    with _lock:
        for port in _pool:
            if port not in _handed_out:
                _handed_out.add(port)
                return port
    raise RuntimeError(
        f"all {POOL_SIZE} Channel Access test ports of this process have been used "
        "(a port is never reused); restart a server on its own port with start() "
        "after stop(), instead of building new servers"
    )


def _release_port(port: int) -> None:
    """Forget that ``port`` serves anything.

    The port is NOT handed out again in this process: channels that an earlier
    event loop left behind would reconnect to a new server there and call back
    into their closed loop.
    """


def _server_environment(port: int, link_ports: Sequence[int] = ()) -> dict[str, str]:
    """The environment of a server process listening on ``port`` of 127.0.0.1 only.

    ``link_ports`` are other servers the process's own CA client (IOC links) reads.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPICS_")}
    repeater = str(_repeater_port or free_port())  # nobody listens: no beacons relayed
    env.update(
        {
            "EPICS_CA_SERVER_PORT": str(port),
            "EPICS_CAS_SERVER_PORT": str(port),
            "EPICS_CAS_INTF_ADDR_LIST": "127.0.0.1",
            "EPICS_CAS_AUTO_BEACON_ADDR_LIST": "NO",
            "EPICS_CAS_BEACON_ADDR_LIST": "127.0.0.1",
            "EPICS_CA_REPEATER_PORT": repeater,
            "EPICS_CAS_BEACON_PORT": repeater,
            "EPICS_CA_ADDR_LIST": " ".join(f"127.0.0.1:{p}" for p in [port, *link_ports]),
            "EPICS_CA_AUTO_ADDR_LIST": "NO",
            "EPICS_PVAS_INTF_ADDR_LIST": "127.0.0.1",
            "EPICS_PVA_ADDR_LIST": "127.0.0.1",
            "EPICS_PVA_AUTO_ADDR_LIST": "NO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env
