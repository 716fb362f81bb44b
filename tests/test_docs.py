"""Every ```python block in the docs and the README is executed.

Blocks of one page run in order in one namespace, so a page can build up an
example step by step. Top-level ``await`` is allowed (as in Jupyter). A block
fenced as ```python no-run is shown but not executed: use it only for code that
needs hardware, and say so in the text next to it.
"""

from __future__ import annotations

import ast
import asyncio
import os
import re
from pathlib import Path
from types import CodeType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted([ROOT / "README.md", *(ROOT / "docs").rglob("*.md")])
FENCE = re.compile(r"^```python([^\n]*)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def _blocks(page: Path) -> list[tuple[int, str]]:
    text = page.read_text(encoding="utf-8")
    out = []
    for match in FENCE.finditer(text):
        if "no-run" in match.group(1):
            continue
        line = text.count("\n", 0, match.start()) + 2
        out.append((line, match.group(2)))
    return out


PAGES_WITH_CODE = [p for p in PAGES if _blocks(p)]


def _compile(source: str, filename: str, first_line: int) -> CodeType:
    tree = ast.parse(source, filename=filename)
    ast.increment_lineno(tree, first_line - 1)
    return compile(tree, filename, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)


async def _run_page(page: Path, tmp_path: Path) -> None:
    namespace: dict[str, Any] = {"__name__": "__docs__"}
    for line, source in _blocks(page):
        code = _compile(source, str(page), line)
        result = eval(code, namespace)
        if asyncio.iscoroutine(result):
            await result


@pytest.mark.parametrize("page", PAGES_WITH_CODE, ids=lambda p: str(p.relative_to(ROOT)))
async def test_doc_page_runs(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ACQ_DATA_DIR", str(tmp_path / "acq-data"))
    os.makedirs(tmp_path / "acq-data", exist_ok=True)
    await _run_page(page, tmp_path)


def test_docs_have_code() -> None:
    """The docs test is not vacuous: at least one page carries executed code."""
    assert PAGES_WITH_CODE, "no ```python blocks found in README.md or docs/"
