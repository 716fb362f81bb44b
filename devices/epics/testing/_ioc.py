"""A real EPICS IOC (``python -m epicscorelibs.ioc``) in a subprocess."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

from devices.epics.testing._env import _release_port, _server_environment, _take_port

__all__ = ["DB_DIR", "MotorSimServer", "SoftIoc"]

DB_DIR = Path(__file__).resolve().parent.parent / "db"
"""The folder of the ``.db`` files shipped with ``devices.epics``."""

_READY = "iocRun: All initialization complete"


class _Output:
    """Collects a process's output lines on a thread; lets callers wait for one."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._pump, args=(proc,), daemon=True)
        self._thread.start()

    def _pump(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        try:
            for line in proc.stdout:
                with self._cond:
                    self.lines.append(line.rstrip("\n"))
                    self._cond.notify_all()
        except (OSError, ValueError):  # the pipe was closed under us
            pass
        with self._cond:
            self.lines.append("<process output closed>")
            self._cond.notify_all()

    def wait_for(self, text: str, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._cond:
            while not any(text in line for line in self.lines):
                if self.lines and self.lines[-1] == "<process output closed>":
                    return False
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
        return True

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def tail(self, n: int = 20) -> str:
        with self._cond:
            return "\n".join(self.lines[-n:])


class _ServerProcess:
    """A CA server in a subprocess on a pool port; start/stop/kill/context manager."""

    _ready_text = ""
    _what = "server"
    _exits_on_stdin_close = True
    start_timeout = 30.0

    def __init__(self, port: int | None = None, link_ports: Sequence[int] = ()) -> None:
        self.port: int | None = port
        self.link_ports = list(link_ports)
        self._proc: subprocess.Popen[str] | None = None
        self._out: _Output | None = None

    def _command(self) -> list[str]:
        raise NotImplementedError

    @property
    def running(self) -> bool:
        """True while the server process is alive."""
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> Self:
        """Start the server and wait until it reports it is serving."""
        if self.running:
            return self
        if self.port is None:
            self.port = _take_port()
        self._proc = subprocess.Popen(
            self._command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=_server_environment(self.port, self.link_ports),
        )
        self._out = _Output(self._proc)
        if not self._out.wait_for(self._ready_text, self.start_timeout):
            self._fail(f"did not report {self._ready_text!r}")
        return self

    def _fail(self, what: str) -> None:
        tail = self._out.tail() if self._out else ""
        self.stop()
        raise RuntimeError(
            f"the {self._what} {what} within {self.start_timeout} s. Its last output:\n{tail}"
        )

    def output(self) -> str:
        """The server's output so far (for error messages)."""
        return self._out.tail(200) if self._out else ""

    def kill(self) -> None:
        """Kill the server abruptly (as a crash would); its port stays reserved."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait(10)
        self._close_pipes()

    def stop(self, release: bool = False) -> None:
        """Stop the server cleanly (closing its stdin), killing it after 5 s.

        ``release=True`` also returns the port to the pool; otherwise a later
        :meth:`start` serves on the same port (as an IOC reboot does).
        """
        proc = self._proc
        if proc is not None and proc.poll() is None:
            try:
                assert proc.stdin is not None
                proc.stdin.close()  # ends the IOC's console: a clean exit
                if not self._exits_on_stdin_close:
                    proc.terminate()
                proc.wait(5)
            except (OSError, subprocess.TimeoutExpired):
                proc.kill()
                proc.wait(10)
        self._close_pipes()
        if release and self.port is not None:
            _release_port(self.port)
            self.port = None

    def _close_pipes(self) -> None:
        if self._out is not None:
            self._out.join(2.0)  # the process has exited: its output ends soon
        if self._proc is not None:
            for pipe in (self._proc.stdin, self._proc.stdout):
                if pipe is not None:
                    try:
                        pipe.close()
                    except OSError:
                        pass

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop(release=True)


class SoftIoc(_ServerProcess):
    """An IOC (``python -m epicscorelibs.ioc``) serving ``.db`` files on 127.0.0.1.

    ``databases`` is a sequence of ``(path, macros)`` pairs; a bare file name is
    looked up in :data:`DB_DIR`. The port comes from the process's pool (see
    ``ca_client_environment``), so this process's CA client finds the IOC.
    ``acf`` is an access security file (the default makes ``ASG=READONLY``
    records read-only). Use as a context manager, or call ``start``/``stop``.
    """

    _ready_text = _READY

    def __init__(
        self,
        databases: Sequence[tuple[str | Path, str]],
        *,
        acf: str | Path | None = "access.acf",
        start_timeout: float = 30.0,
        port: int | None = None,
        link_ports: Sequence[int] = (),
    ) -> None:
        super().__init__(port, link_ports)
        self.databases = [(_resolve(db), macros) for db, macros in databases]
        self.acf = _resolve(acf) if acf is not None else None
        self.start_timeout = start_timeout
        self._what = f"test IOC ({', '.join(db.name for db, _ in self.databases)})"

    def _command(self) -> list[str]:
        # epicscorelibs.ioc's own main(), after naming the access security file
        # (which must happen before iocInit).
        boot = "import epicscorelibs.ioc as e;"
        if self.acf is not None:
            boot += f"e.dbCore.asSetFilename({str(self.acf).encode()!r});"
        cmd = [sys.executable, "-u", "-c", boot + "e.main()"]
        for db, macros in self.databases:
            cmd += ["-m", macros, "-d", str(db)]
        return cmd


class MotorSimServer(_ServerProcess):
    """A caproto server emulating motor records ``<prefix><name>`` (see ``_motor_server``)."""

    _ready_text = "ACQ-MOTOR-SERVER-READY"
    _exits_on_stdin_close = False

    def __init__(
        self,
        prefix: str = "SIM:",
        motors: Sequence[str] = ("m1", "m2"),
        *,
        start_timeout: float = 30.0,
        port: int | None = None,
    ) -> None:
        super().__init__(port)
        self.prefix = prefix
        self.motors = list(motors)
        self.start_timeout = start_timeout
        self._what = f"motor simulation server ({prefix}{{{','.join(self.motors)}}})"

    def start(self) -> Self:
        """Start the server (it needs caproto: the ``test`` extra, or ``pip install caproto``)."""
        if importlib.util.find_spec("caproto") is None:
            raise RuntimeError(
                "the simulated motors are a caproto server, and caproto is not installed; "
                "pip install caproto (it comes with acq's 'test' extra)"
            )
        return super().start()

    def _command(self) -> list[str]:
        return [
            sys.executable,
            "-u",
            "-m",
            "devices.epics.testing._motor_server",
            "--prefix",
            self.prefix,
            "--motors",
            ",".join(self.motors),
        ]


def _resolve(path: str | Path) -> Path:
    p = Path(path)
    return p if p.is_absolute() or p.exists() else DB_DIR / p
