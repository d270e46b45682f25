"""What is wrong with a YAML file a person edited, and the line they must fix: for a file that
does not parse (`yaml_problem`), and for a value in one that does (`node_line`).

PyYAML reports where it noticed the problem, which for an unclosed `[`, `{` or quote is the
line after the mistake (or the end of the file): "expected ',' or ']', but got ':'" on line 6
for a `[` left open on line 5. The line to fix is where that bracket or quote opened, which
PyYAML keeps as the error's context; every other problem is where it was noticed.

Pure functions of the exception; no I/O.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # (loaded by whoever parsed the file: the board and commands start without it)
    import yaml

# PyYAML's context for a bracket or quote it was still inside when the text went wrong.
_OPENED = {
    "while parsing a flow sequence": "a [ is never closed",
    "while parsing a flow mapping": "a { is never closed",
    "while scanning a quoted scalar": "a quote is never closed",
}


def yaml_problem(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """The 1-based line to fix (None when PyYAML gives none) and what is wrong there, in a
    few words ("a [ is never closed", "mapping values are not allowed here")."""
    context = getattr(exc, "context", None)
    context_mark = getattr(exc, "context_mark", None)
    problem_mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or "not valid YAML"
    opened = _OPENED.get(str(context or ""))
    if opened and context_mark is not None:
        return context_mark.line + 1, opened
    if problem_mark is not None:
        return problem_mark.line + 1, str(problem)
    return None, str(problem)


def node_line(root: yaml.Node | None, *keys: str | int) -> int | None:
    """The 1-based line of the value at `keys` (as deep as it exists) in a composed document."""
    if root is None:
        return None
    import yaml

    node = root
    line = node.start_mark.line + 1
    for key in keys:
        child = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == key:
                    line = k.start_mark.line + 1
                    child = v
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(key, int)
            and 0 <= key < len(node.value)
        ):
            child = node.value[key]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


def text_start(root: yaml.Node | None, key: str) -> int:
    """Line number just before the first line of a text value (block scalars start below)."""
    if root is None:
        return 0
    import yaml

    if not isinstance(root, yaml.MappingNode):
        return 0
    for k, v in root.value:
        if k.value == key:
            return v.start_mark.line + (1 if getattr(v, "style", None) in ("|", ">") else 0)
    return 0
