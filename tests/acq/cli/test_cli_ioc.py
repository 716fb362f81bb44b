"""``acq ioc sim`` serves the simulated beamline over Channel Access until stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest

from acq.cli import main


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def test_ioc_sim_serves_until_sigterm() -> None:
    ioc_port, motor_port = _free_port(), _free_port()
    argv = [sys.executable, "-m", "acq", "ioc", "sim", "--prefix", "ACQTEST:"]
    argv += ["--ioc-port", str(ioc_port), "--motor-port", str(motor_port)]
    proc = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ)
    )
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert "Simulated beamline ACQTEST: is running" in first, first + proc.stderr.read()
        addr = proc.stdout.readline()
        assert f"127.0.0.1:{ioc_port}" in addr
        assert f"127.0.0.1:{motor_port}" in addr
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def test_ioc_help_reads_well(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["ioc", "--help"])
    out = capsys.readouterr().out
    assert "EPICS_CA_ADDR_LIST" in out
    assert "{sim}" in out
