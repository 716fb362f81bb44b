"""Every public name has exactly one import path, and it is listed in ``__all__``."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import defaultdict
from types import ModuleType

import pytest

PACKAGES = ["acq", "devices", "plans"]


def _is_public(modname: str) -> bool:
    return not any(part.startswith("_") for part in modname.split("."))


def _all_modules() -> list[ModuleType]:
    mods: list[ModuleType] = []
    for pkg_name in PACKAGES:
        pkg = importlib.import_module(pkg_name)
        mods.append(pkg)
        for info in pkgutil.walk_packages(pkg.__path__, prefix=pkg_name + "."):
            if info.name.endswith("__main__"):
                continue
            mods.append(importlib.import_module(info.name))
    return mods


MODULES = _all_modules()
PUBLIC = [m for m in MODULES if _is_public(m.__name__)]


@pytest.mark.parametrize("module", PUBLIC, ids=lambda m: m.__name__)
def test_public_module_declares_all(module: ModuleType) -> None:
    assert hasattr(module, "__all__"), f"{module.__name__} has no __all__"
    for name in module.__all__:
        assert hasattr(module, name), f"{module.__name__}.__all__ lists missing {name!r}"


def test_each_public_name_has_one_import_path() -> None:
    paths: dict[int, list[str]] = defaultdict(list)
    for module in PUBLIC:
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.ismodule(obj):
                continue
            if inspect.isclass(obj) or inspect.isfunction(obj):
                paths[id(obj)].append(f"{module.__name__}.{name}")
    dupes = {p[0]: p for p in paths.values() if len(p) > 1}
    assert not dupes, f"names exported from more than one public module: {dupes}"


def test_public_definitions_are_exported() -> None:
    """A public class or function defined in a private module is re-exported somewhere."""
    exported = {
        id(getattr(m, n)) for m in PUBLIC for n in m.__all__ if not inspect.ismodule(getattr(m, n))
    }
    missing = []
    for module in MODULES:
        for name, obj in vars(module).items():
            if name.startswith("_") or not (inspect.isclass(obj) or inspect.isfunction(obj)):
                continue
            if getattr(obj, "__module__", None) != module.__name__:
                continue
            if _is_public(module.__name__) and name not in getattr(module, "__all__", ()):
                missing.append(f"{module.__name__}.{name} (public module, not in __all__)")
            elif not _is_public(module.__name__) and id(obj) not in exported:
                missing.append(f"{module.__name__}.{name}")
    assert not missing, (
        "public names not exported from any public module (prefix them with _ "
        f"or add them to a package __all__): {missing}"
    )
