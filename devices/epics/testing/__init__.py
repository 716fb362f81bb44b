"""Real Channel Access servers for tests, docs and demos.

:class:`SoftIoc` runs ``python -m epicscorelibs.ioc`` with our ``.db`` files on a
port of 127.0.0.1; :class:`MotorSimServer` runs a caproto server emulating the
motor record. Call :func:`ca_client_environment` before the first Channel
Access call of the process (the servers do it for you when they start).
"""

from __future__ import annotations

from devices.epics.testing._env import ca_client_environment, free_port
from devices.epics.testing._ioc import DB_DIR, MotorSimServer, SoftIoc

__all__ = ["DB_DIR", "MotorSimServer", "SoftIoc", "ca_client_environment", "free_port"]
