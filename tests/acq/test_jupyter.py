"""``await RE(plan)`` in a real IPython kernel, started with jupyter_client.

The kernel is the venv's python (ipykernel's native ``python3`` kernel spec
points at the interpreter running the tests). Cell one builds and connects
simulated devices and awaits a scan with a LiveTable; cell two uses the same
devices again, so a connection made in one cell must survive into the next.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager, start_new_kernel

CELL_TIMEOUT = 30.0

CELL_SCAN = """\
import plans
from acq import RunEngine
from acq.callbacks import LiveTable, ProgressBars
from devices.sim import sim_beamline

bl = sim_beamline(seed=0)
await bl.connect()
RE = RunEngine()
RE.subscribe(LiveTable())
RE.subscribe(ProgressBars())
result = await RE(plans.scan([bl.det], bl.x, -1, 1, 5))
print("exit_status:", result.exit_status)
"""

CELL_AGAIN = """\
await bl.x.set(0.25)
print("x is at", await bl.x.user_readback.get_value())
result = await RE(plans.count([bl.det], 3))
print("exit_status:", result.exit_status, "runs:", len(result.run_start_uids))
"""


class _Cell:
    """What one executed cell sent back."""

    def __init__(self) -> None:
        self.stdout: list[str] = []
        self.errors: list[str] = []
        self.images = 0  # PNG displays shown or updated in place


def _run_cell(kc: BlockingKernelClient, code: str) -> tuple[dict[str, Any], str, list[str]]:
    reply, cell = _run_cell_full(kc, code)
    return reply, "".join(cell.stdout), cell.errors


def _run_cell_full(kc: BlockingKernelClient, code: str) -> tuple[dict[str, Any], _Cell]:
    """Execute ``code``; return the execute_reply content and what the cell sent."""
    msg_id = kc.execute(code)
    cell = _Cell()
    stdout, errors = cell.stdout, cell.errors
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=CELL_TIMEOUT)
        except queue.Empty:
            pytest.fail(f"the kernel sent nothing for {CELL_TIMEOUT} s while running:\n{code}")
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            (stdout if content["name"] == "stdout" else errors).append(content["text"])
        elif kind == "error":
            errors.append("\n".join(content["traceback"]))
        elif kind in ("display_data", "update_display_data") and "image/png" in content["data"]:
            cell.images += 1
        elif kind == "status" and content["execution_state"] == "idle":
            break
    while True:  # skip replies to earlier requests (start_new_kernel's kernel_info)
        reply = kc.get_shell_msg(timeout=CELL_TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"], cell


@pytest.fixture
def kernel(tmp_path: Path) -> Iterator[BlockingKernelClient]:
    env = dict(os.environ, ACQ_DATA_DIR=str(tmp_path), MPLBACKEND="Agg", PYTHONWARNINGS="")
    km: KernelManager
    km, kc = start_new_kernel(kernel_name="python3", startup_timeout=CELL_TIMEOUT, env=env)
    try:
        yield kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        km.cleanup_resources()


def test_await_scan_in_a_kernel_then_reuse_devices(kernel: BlockingKernelClient) -> None:
    reply, out, errors = _run_cell(kernel, CELL_SCAN)
    assert reply["status"] == "ok", errors
    assert errors == []  # no tracebacks, no event-loop complaints on stderr
    lines = out.splitlines()
    assert "exit_status: success" in lines
    rows = [line for line in lines if line.startswith("|") and line[1:].strip()[:1].isdigit()]
    assert len(rows) == 5, out  # one table row per point
    assert "5/5 points" in out, out  # the plan's progress, as plain lines in a notebook
    assert "| seq_num |" in out, out

    reply, out, errors = _run_cell(kernel, CELL_AGAIN)
    assert reply["status"] == "ok", errors
    assert errors == []
    assert "x is at 0.25" in out
    assert "exit_status: success runs: 1" in out


CELL_PLOT = """\
from acq.callbacks import BestEffortCallback

RE.subscribe(BestEffortCallback(table=False))
result = await RE(plans.scan([bl.det], bl.x, -1, 1, 5))
"""


def test_plots_are_live_in_a_kernel(kernel: BlockingKernelClient) -> None:
    reply, _, errors = _run_cell(kernel, CELL_SCAN)
    assert reply["status"] == "ok", errors
    reply, cell = _run_cell_full(kernel, CELL_PLOT)
    assert reply["status"] == "ok", cell.errors
    assert cell.errors == []
    assert cell.images >= 1  # the plot is shown in the notebook (and updated in place)
