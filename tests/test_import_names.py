"""bondflow's top-level packages have common names (``adapters``, ``rules``, ``schemas``,
``api``... exist on PyPI). Given a Python environment, when any of them is imported,
then it is the one from this checkout or from the installed bondflow distribution,
never a same-named package from elsewhere on the path.

The packages are read from pyproject.toml, so a new one is checked the day it is added;
a top-level folder with an ``__init__.py`` missing from that list is an error too (it
would be left out of the distribution).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parents[1]


def _packages() -> list[str]:
    project = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = project["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted(pattern.removesuffix("*") for pattern in patterns)


def _allowed_roots() -> list[Path]:
    """Where bondflow's packages may come from: this checkout, and the installed
    distribution's own files (a non-editable install)."""
    roots = [CHECKOUT]
    try:
        distribution = importlib.metadata.distribution("bondflow")
    except importlib.metadata.PackageNotFoundError:
        return roots
    for file in distribution.files or ():
        if file.name == "__init__.py" and len(file.parts) == 2:
            roots.append(Path(str(distribution.locate_file(file))).resolve().parents[1])
    return roots


PACKAGES = _packages()


def test_every_top_level_package_is_in_the_distribution() -> None:
    on_disk = {
        path.parent.name
        for path in CHECKOUT.glob("*/__init__.py")
        if path.parent.name not in {"tests", "bench"}
    }
    assert on_disk <= set(PACKAGES), f"add {sorted(on_disk - set(PACKAGES))} to pyproject.toml"


def test_each_package_is_imported_from_bondflow_itself(tmp_path: Path) -> None:
    # A fresh interpreter started elsewhere: the working directory is not on the path,
    # so what is found is what the environment (site-packages, .pth files, PYTHONPATH)
    # resolves, exactly as the worker and the API would.
    script = (
        "import importlib, json, sys\n"
        "found = {}\n"
        "for name in sys.argv[1:]:\n"
        "    module = importlib.import_module(name)\n"
        "    found[name] = getattr(module, '__file__', None) or list(module.__path__)[0]\n"
        "print(json.dumps(found))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *PACKAGES],
        cwd=tmp_path,
        env={**os.environ, "PYTHONSAFEPATH": "1"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    roots = _allowed_roots()
    strangers = {
        name: path
        for name, path in found.items()
        if not any(Path(path).resolve().is_relative_to(root) for root in roots)
    }
    assert not strangers, (
        f"imported from outside bondflow: {strangers}; install bondflow in its own"
        " environment (see README)"
    )


@pytest.mark.parametrize("name", PACKAGES)
def test_the_package_this_process_imported_is_bondflows(name: str) -> None:
    module = sys.modules.get(name) or __import__(name)
    where = Path(getattr(module, "__file__", None) or next(iter(module.__path__))).resolve()
    assert any(where.is_relative_to(root) for root in _allowed_roots()), where
