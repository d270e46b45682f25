"""The import contracts of pyproject.toml hold: the doors between rooms open one way.

`make lint` runs the same `lint-imports`; running it here too means `make test` alone catches
a store module that starts importing Textual, or a screen that reaches into the CLI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest


def _repo_root() -> Path:
    here = Path(__file__).resolve().parent
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    raise AssertionError(f"no pyproject.toml above {here}")


def _lint_imports() -> str:
    beside = Path(sys.executable).with_name("lint-imports")
    found = str(beside) if beside.is_file() else shutil.which("lint-imports")
    if found is None:
        pytest.fail(
            "lint-imports is missing: it comes with the test extra (pip install -e .[test])"
        )
    return found


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_lint_imports(), "--no-cache", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )


def test_the_import_contracts_of_pyproject_are_kept() -> None:
    result = _run(_repo_root())
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_contracts_cover_every_door_the_design_names() -> None:
    """Dropping a contract from pyproject.toml would make the test above pass vacuously."""
    config = tomllib.loads((_repo_root() / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    forbidden = {
        source: set(contract["forbidden_modules"])
        for contract in contracts
        if contract["type"] == "forbidden"
        for source in contract["source_modules"]
    }
    assert {"sync", "tui", "textual"} <= forbidden["store"]
    assert {"tui", "textual"} <= forbidden["sync"]
    assert "tui.cli" in forbidden["tui.*"]
    layers = [c["layers"] for c in contracts if c["type"] == "layers"]
    assert layers[0][:3] == ["transfer", "notes", "cards"]
    assert layers[1][:2] == ["vault", "cards"]
    assert config["tool"]["importlinter"]["exclude_type_checking_imports"] is True


def test_a_store_module_importing_textual_breaks_a_contract(tmp_path: Path) -> None:
    """The contracts catch what they promise to: a copy of the code with one bad door fails."""
    root = _repo_root()
    for name in ("store", "sync", "tui", "themes"):
        shutil.copytree(root / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(root / "pyproject.toml", tmp_path / "pyproject.toml")
    errors = tmp_path / "store" / "errors.py"
    errors.write_text(errors.read_text(encoding="utf-8") + "\nimport textual.app\n")
    result = _run(tmp_path)
    assert result.returncode != 0
    assert "store.errors -> textual" in result.stdout
