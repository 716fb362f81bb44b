"""The scaler and camera devices, and the simulated beamline they live in."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest

from devices.epics import AreaDetectorCam, EpicsMotor, EpicsScaler, EpicsSignalRO
from devices.epics.sim_ioc import SimBeamline
from devices.epics.testing import free_port


async def test_scaler_counts_for_its_preset_time(sim: SimBeamline) -> None:
    scaler = EpicsScaler("ACQSIM:scaler1:", name="scaler")
    await scaler.connect()
    await scaler.preset_time.set(0.1)
    await scaler.trigger()
    reading = await scaler.read()
    assert reading["scaler-s1"]["value"] == pytest.approx(1e6)  # 10 MHz clock x 0.1 s
    assert reading["scaler-s2"]["value"] > 0
    assert scaler.hints == {"fields": ["scaler-s2"]}
    assert (await scaler.read_configuration())["scaler-preset_time"]["value"] == 0.1


async def test_camera_acquires_num_images(sim: SimBeamline) -> None:
    cam = AreaDetectorCam("ACQSIM:cam1:", name="cam")
    await cam.connect()
    await cam.acquire_time.set(0.02)
    await cam.num_images.set(3)
    await cam.image_mode.set("Multiple")
    before = await cam.array_counter.get_value()
    await cam.trigger()
    reading = await cam.read()
    assert reading["cam-array_counter"]["value"] == before + 3
    assert reading["cam-total"]["value"] > 0
    config = await cam.read_configuration()
    assert config["cam-image_mode"]["value"] == "Multiple"
    assert config["cam-num_images"]["value"] == 3


async def test_detector_peaks_where_the_motor_is(sim: SimBeamline) -> None:
    m1 = EpicsMotor("ACQSIM:m1", name="m1")
    det = EpicsSignalRO("ACQSIM:det1", name="det1", datatype=float)
    await m1.connect()
    await det.connect()
    await m1.set(1.0)
    at_peak = await det.wait_for_value(lambda v: v > 900, timeout=5)
    await m1.set(3.0)
    away = await det.wait_for_value(lambda v: v < 100, timeout=5)
    assert at_peak > away


def test_sim_ioc_command_serves_until_terminated() -> None:
    """``python -m devices.epics.sim_ioc`` (what ``acq ioc sim`` runs) starts and stops cleanly."""
    ioc_port, motor_port = free_port(), free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devices.epics.sim_ioc",
            "--prefix",
            "ACQCLI:",
            "--ioc-port",
            str(ioc_port),
            "--motor-port",
            str(motor_port),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "Ctrl-C stops it" in line:
                break
        text = "".join(lines)
        assert f'EPICS_CA_ADDR_LIST="127.0.0.1:{ioc_port} 127.0.0.1:{motor_port}"' in text
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        if proc.stdout is not None:
            proc.stdout.close()
