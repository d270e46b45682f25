"""No import circle among the project's own modules, deferred imports included.

import-linter's contracts (tests/test_house_layers.py) say which way the doors between rooms
open; this test says there is no circle at all, down to single modules. It reads every .py file
of store/, sync/, tui/, themes/ and bench/ with `ast`, so an import inside a function (a deferred
import, done to start faster or to dodge a circle) counts like any other: it still ties the two
modules together. Only imports under `if TYPE_CHECKING:` are left out, since they never run.

What it cannot see: `importlib.import_module(name)` with a name built at run time (the CLI's
command modules); those are plain data, not doors the reader of a file would see.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGES = ("store", "sync", "tui", "themes", "bench")


def _repo_root() -> Path:
    here = Path(__file__).resolve().parent
    for folder in (here, *here.parents):
        if (folder / "pyproject.toml").is_file():
            return folder
    raise AssertionError(f"no pyproject.toml above {here}")


@dataclass(frozen=True)
class Door:
    """One import: `importer` runs it at `line` and it loads `imported`."""

    importer: str
    imported: str
    line: int


def module_files(root: Path, packages: Iterable[str]) -> dict[str, Path]:
    """Every module of `packages` under `root` by dotted name (a package by its __init__)."""
    found: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement that can run, at any depth, skipping `if TYPE_CHECKING:` bodies
    (their `else:` branch does run)."""
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def _known(name: str, modules: dict[str, Path]) -> str | None:
    """The module `name` loads: itself if it is one of ours, else its longest known prefix
    (`import tui.cli.context` loads tui.cli.context; an attribute path falls back to its module)."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return None


def doors(modules: dict[str, Path]) -> list[Door]:
    """Every import between two of `modules`, relative and `from pkg import module` forms
    resolved to the module they load."""
    found: list[Door] = []
    for importer, path in modules.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _imports(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    package = importer.split(".")
                    if not is_package:
                        package = package[:-1]
                    if node.level > 1:
                        package = package[: len(package) - (node.level - 1)]
                    base = ".".join([*package, *([base] if base else [])])
                # `from pkg import module` loads pkg.module; `from pkg import name`, just pkg.
                targets = [
                    f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                    for alias in node.names
                ]
            for target in targets:
                imported = _known(target, modules)
                if imported is not None and imported != importer:
                    found.append(Door(importer, imported, node.lineno))
    return found


def circles(modules: Iterable[str], all_doors: Iterable[Door]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan), each sorted: every
    module in one can reach every other, so each is one import circle or several knotted."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for door in all_doors:
        graph[door.importer].add(door.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        on_stack.add(name)
        for other in sorted(graph[name]):
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in on_stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            component: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == name:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(found)


def report(all_circles: list[list[str]], all_doors: list[Door]) -> str:
    """Each knot and every door inside it: the lines one of which must change to untie it."""
    lines = [f"{len(all_circles)} import circle(s) (deferred imports count):"]
    for component in all_circles:
        members = set(component)
        lines.append("  " + " <-> ".join(component))
        inside = {
            (door.importer, door.imported, door.line)
            for door in all_doors
            if door.importer in members and door.imported in members
        }
        for importer, imported, line in sorted(inside):
            lines.append(f"      {importer} -> {imported} (line {line})")
    return "\n".join(lines)


def test_the_project_has_no_import_circle() -> None:
    modules = module_files(_repo_root(), PACKAGES)
    assert "store.cards.board" in modules and "tui.app" in modules, "the walk found no modules"
    all_doors = doors(modules)
    found = circles(modules, all_doors)
    assert not found, report(found, all_doors)


# The finder itself, on a small package of its own: a check that finds nothing proves nothing.


def _write(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return module_files(root, ["pkg"])


def test_a_deferred_import_closes_a_circle(tmp_path: Path) -> None:
    modules = _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/board.py": "from pkg import today\n",
            "pkg/today.py": "def later():\n    from .board import x\n",
            "pkg/alone.py": "import pkg.today\n",
        },
    )
    all_doors = doors(modules)
    assert circles(modules, all_doors) == [["pkg.board", "pkg.today"]]
    assert "pkg.board -> pkg.today (line 1)" in report(circles(modules, all_doors), all_doors)
    assert "pkg.today -> pkg.board (line 2)" in report(circles(modules, all_doors), all_doors)


def test_an_import_only_for_type_checking_opens_no_circle(tmp_path: Path) -> None:
    modules = _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/app.py": "import pkg.screens.unlock\n",
            "pkg/screens/__init__.py": "",
            "pkg/screens/unlock.py": (
                "import typing\n"
                "if typing.TYPE_CHECKING:\n"
                "    from ..app import App\n"
                "else:\n"
                "    import json\n"
            ),
        },
    )
    assert circles(modules, doors(modules)) == []


@pytest.mark.parametrize(
    ("line", "loads"),
    [
        ("from . import b", "pkg.sub.b"),
        ("from .. import c", "pkg.c"),
        ("from ..c import thing", "pkg.c"),
        ("from pkg.sub.b import thing", "pkg.sub.b"),
        ("import pkg.sub.b", "pkg.sub.b"),
        ("from pkg.sub import thing", "pkg.sub"),
    ],
)
def test_every_form_of_import_is_resolved_to_the_module_it_loads(
    tmp_path: Path, line: str, loads: str
) -> None:
    modules = _write(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/c.py": "",
            "pkg/sub/__init__.py": "",
            "pkg/sub/a.py": f"def f():\n    {line}\n",
            "pkg/sub/b.py": "",
        },
    )
    assert [d.imported for d in doors(modules) if d.importer == "pkg.sub.a"] == [loads]
