"""Rendering a note: a template's text filled in from one card and the profile, in a sandbox.

A template is text the user (or any device that syncs the folder) wrote, so it is treated as
untrusted: it may read the placeholders (plain dicts, lists and strings) and nothing else.
Concretely, on top of jinja2's `SandboxedEnvironment`:
- no globals (`range`, `lipsum`, `cycler`, `namespace`… are unknown names), no calls at all,
  no `include`/`import`/`extends`/macros, no attribute of any Python object: `a.b` only reads
  key `b` of a placeholder record, and `loop.index`-style loop counters;
- a short list of filters, each bounded in what it may produce; `**` and `%`-formatting are
  refused; `*`, `+` and `~` check the size of what they would build;
- a budget of executed template lines (a trace on the template's own frames) and of output,
  so a huge loop or a doubling trick stops with an error instead of eating the machine.
An unknown placeholder is an error that names it, never an empty string. A failed render
produces no text at all.

The placeholders themselves (what a note may read of a card) are built in
`store.notes.placeholders`. This module must never touch a file, the clock or the network.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import FrameType, TracebackType
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.compiler import CodeGenerator
from jinja2.exceptions import SecurityError, TemplateError, UndefinedError
from jinja2.filters import FILTERS
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from jinja2.tests import TESTS

from store.errors import FollowupError
from store.notes.placeholders import PLACEHOLDERS

MAX_TEXT = 50_000  # characters in any one value a template builds, and in a rendered note
MAX_ITEMS = 10_000  # items in any list a template builds
MAX_LINES_RUN = 50_000  # template lines executed in one render
MAX_SOURCE = 32_000  # characters of one subject or body
_MARKER = "<note template>"  # the file name jinja gives the compiled template's code

_LOOP_FIELDS = frozenset(
    {"index", "index0", "revindex", "revindex0", "first", "last", "length", "previtem", "nextitem"}
)
_FORBIDDEN_NODES: dict[type[nodes.Node], str] = {
    nodes.Call: "calls are not allowed in a note; use filters, e.g. {{ company|upper }}",
    nodes.Include: "{% include %} is not allowed in a note",
    nodes.Import: "{% import %} is not allowed in a note",
    nodes.FromImport: "{% from … import %} is not allowed in a note",
    nodes.Extends: "{% extends %} is not allowed in a note",
    nodes.Block: "{% block %} is not allowed in a note",
    nodes.Macro: "{% macro %} is not allowed in a note",
    nodes.CallBlock: "{% call %} is not allowed in a note",
}


class NoteError(FollowupError):
    """A template that cannot be compiled or rendered; `line` is within the text it came from."""

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line else message)


class _Budget(Exception):
    """Raised inside the template's own frames when a render does too much."""


# --- the sandbox --------------------------------------------------------------------------------


class _Record(dict[str, Any]):
    """A placeholder record (`interviewer`, `me`): knows its own name for error messages."""

    path: str = ""


class _List(list[Any]):
    """A placeholder list (`key_points`): knows its own name for error messages."""

    path: str = ""


def _records(value: Any, path: str) -> Any:
    if isinstance(value, dict):
        record = _Record({k: _records(v, f"{path}.{k}") for k, v in value.items()})
        record.path = path
        return record
    if isinstance(value, list):
        items = _List(_records(v, f"{path}[{i}]") for i, v in enumerate(value))
        items.path = path
        return items
    return value


class _Missing(StrictUndefined):
    """An unknown placeholder: fails loudly wherever it is used, naming itself."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        obj = self._undefined_obj
        name = self._undefined_name
        if isinstance(obj, _Record):
            return (
                f"unknown placeholder '{obj.path}.{name}' "
                f"({obj.path} has: {', '.join(sorted(obj)) or 'nothing'})"
            )
        if isinstance(obj, _List):
            return f"{obj.path} has no item {name} (it has {len(obj)})"
        if isinstance(obj, list | tuple | str):
            return f"there is no item {name} in that list"
        return f"unknown placeholder {name!r}"


def _too_big(what: str) -> SecurityError:
    return SecurityError(f"{what} would be too long for a note (over {MAX_TEXT:,} characters)")


def _size(value: Any) -> int:
    return len(value) if isinstance(value, str | list | tuple) else 0


class _State(threading.local):
    lines: int = 0
    output: int = 0


class _NoteCodeGenerator(CodeGenerator):
    """jinja2's compiler, with every output and every `~` going through the size checks."""

    def visit_Concat(self, node: nodes.Concat, frame: Any) -> None:
        self.write("environment.note_concat((")
        for arg in node.nodes:
            self.visit(arg, frame)
            self.write(", ")
        self.write("))")

    def _output_const_repr(self, group: Iterable[Any]) -> str:
        return f"environment.note_out({super()._output_const_repr(group)})"

    def _output_child_pre(self, node: nodes.Expr, frame: Any, finalize: Any) -> None:
        self.write("environment.note_out(")
        super()._output_child_pre(node, frame, finalize)

    def _output_child_post(self, node: nodes.Expr, frame: Any, finalize: Any) -> None:
        super()._output_child_post(node, frame, finalize)
        self.write(")")


def _bounded(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        result = func(*args, **kwargs)
        if isinstance(result, str) and len(result) > MAX_TEXT:
            raise _too_big(f"the result of |{name}")
        if isinstance(result, list | tuple) and len(result) > MAX_ITEMS:
            raise SecurityError(f"the result of |{name} has too many items")
        return result

    return wrapper


def _replace(value: Any, old: Any, new: Any, count: int | None = None) -> str:
    text, old, new = str(value), str(old), str(new)
    hits = (len(text) + 1 if old == "" else text.count(old)) if old or text else 1
    if count is not None:
        hits = min(hits, max(0, int(count)))
    if len(text) + hits * max(0, len(new) - len(old)) > MAX_TEXT:
        raise _too_big("|replace")
    return text.replace(old, new, -1 if count is None else max(0, int(count)))


def _join(value: Iterable[Any], d: Any = "", attribute: Any = None) -> str:
    items = list(value)
    if attribute is not None:
        raise SecurityError("|join(attribute=…) is not allowed; use |map(attribute=…)|join")
    parts = [str(i) for i in items]
    if sum(map(len, parts)) + len(str(d)) * max(0, len(parts) - 1) > MAX_TEXT:
        raise _too_big("|join")
    return str(d).join(parts)


_ALLOWED_FILTERS = (
    "default",
    "d",
    "first",
    "last",
    "length",
    "count",
    "lower",
    "upper",
    "title",
    "capitalize",
    "trim",
    "truncate",
    "wordcount",
    "list",
    "sort",
    "reverse",
    "unique",
    "min",
    "max",
    "string",
    "int",
    "round",
    "abs",
    "select",
    "reject",
    "map",
    "selectattr",
    "rejectattr",
)
_ALLOWED_TESTS = (
    "defined",
    "undefined",
    "none",
    "boolean",
    "false",
    "true",
    "integer",
    "lower",
    "upper",
    "string",
    "mapping",
    "number",
    "sequence",
    "iterable",
    "in",
    "odd",
    "even",
    "divisibleby",
    "==",
    "eq",
    "equalto",
    "!=",
    "ne",
    ">",
    "gt",
    "ge",
    ">=",
    "<",
    "lt",
    "<=",
    "le",
)


class NoteEnvironment(SandboxedEnvironment):
    """The only way a template's text is compiled and run."""

    intercepted_binops = frozenset({"+", "-", "*", "/", "//", "%", "**"})
    code_generator_class = _NoteCodeGenerator

    def __init__(self) -> None:
        super().__init__(
            undefined=_Missing,
            autoescape=False,
            optimized=False,  # constant folding would run filters at compile time
            keep_trailing_newline=True,
            trim_blocks=True,  # a line holding only {% … %} leaves no blank line behind
            lstrip_blocks=True,
            finalize=_finalize,
        )
        self.globals.clear()
        self.filters = {name: _bounded(name, FILTERS[name]) for name in _ALLOWED_FILTERS}
        self.filters["replace"] = _replace
        self.filters["join"] = _join
        self.tests = {name: TESTS[name] for name in _ALLOWED_TESTS}
        self.state = _State()

    # Nothing of a Python object is reachable: only placeholder keys and loop counters.
    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return False

    def is_safe_callable(self, obj: Any) -> bool:
        return False

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, dict):
            if attribute in obj:
                return obj[attribute]
            return self.undefined(obj=obj, name=attribute)
        if isinstance(obj, LoopContext) and attribute in _LOOP_FIELDS:
            return getattr(obj, attribute)
        if isinstance(obj, StrictUndefined):
            return obj  # fails, naming the unknown placeholder, where it is used
        raise SecurityError(
            f"a note can only read placeholders: '.{attribute}' of a "
            f"{_kind(obj)} is not one (use filters, e.g. |upper)"
        )

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, dict):
            if isinstance(argument, str) and argument in obj:
                return obj[argument]
            return self.undefined(obj=obj, name=str(argument))
        if isinstance(obj, list | tuple | str) and (
            isinstance(argument, slice) or (isinstance(argument, int) and argument is not True)
        ):
            try:
                return obj[argument]
            except IndexError:
                return self.undefined(obj=obj, name=str(argument))
        if isinstance(obj, StrictUndefined):
            return obj
        raise SecurityError(f"a note cannot look up {argument!r} in a {_kind(obj)}")

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise SecurityError("calls are not allowed in a note; use filters")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            raise SecurityError("the ** operator is not allowed in a note")
        if operator == "%" and not _is_number(left):
            raise SecurityError("%-formatting is not allowed in a note; use {{ }}")
        if operator == "*":
            count = right if _size(left) else left
            seq = left if _size(left) else right
            if isinstance(seq, str | list | tuple) and isinstance(count, int):
                if len(seq) * max(count, 0) > MAX_TEXT:
                    raise _too_big("that repetition")
            elif _is_number(left) and _is_number(right) and abs(left) * abs(right) > 10**18:
                raise SecurityError("that number is too big for a note")
        if operator == "+" and _size(left) + _size(right) > MAX_TEXT:
            raise _too_big("that sum")
        return self.binop_table[operator](left, right)

    def note_concat(self, parts: Iterable[Any]) -> str:
        text = "".join(str(_finalize(p)) for p in parts)
        if len(text) > MAX_TEXT:
            raise _too_big("that text")
        return text

    def note_out(self, text: str) -> str:
        self.state.output += len(text)
        if self.state.output > MAX_TEXT:
            raise _too_big("the note")
        return text


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _kind(obj: Any) -> str:
    if isinstance(obj, str):
        return "text value"
    if isinstance(obj, list | tuple):
        return "list"
    if _is_number(obj):
        return "number"
    return "value"


def _finalize(value: Any) -> Any:
    """`None` prints as nothing; an unknown placeholder fails (StrictUndefined)."""
    return "" if value is None else value


_ENV = NoteEnvironment()


# --- compiling and rendering --------------------------------------------------------------------


def _assigned_names(tree: nodes.Template) -> set[str]:
    names = {"loop"}
    for node in tree.find_all((nodes.Assign, nodes.AssignBlock, nodes.For, nodes.With)):
        targets: list[nodes.Node] = []
        if isinstance(node, nodes.Assign | nodes.AssignBlock | nodes.For):
            targets.append(node.target)
        else:
            targets.extend(node.targets)
        for target in targets:
            names.update(n.name for n in target.find_all(nodes.Name))
            if isinstance(target, nodes.Name):
                names.add(target.name)
    return names


def _check_tree(tree: nodes.Template) -> None:
    for node in tree.find_all(tuple(_FORBIDDEN_NODES)):
        raise NoteError(_FORBIDDEN_NODES[type(node)], node.lineno)
    known = set(PLACEHOLDERS) | _assigned_names(tree)
    for name_node in tree.find_all(nodes.Name):
        if name_node.ctx == "load" and name_node.name not in known:
            raise NoteError(f"unknown placeholder {name_node.name!r}", name_node.lineno)


@dataclass(frozen=True)
class CompiledText:
    source: str
    template: Any  # jinja2.Template built by NoteEnvironment


def compile_text(source: str) -> CompiledText:
    """Parse and check a subject or body; raises `NoteError` with the line it concerns."""
    if len(source) > MAX_SOURCE:
        raise NoteError(f"too long ({len(source):,} characters; at most {MAX_SOURCE:,})")
    try:
        tree = _ENV.parse(source)
        _check_tree(tree)
        code = _ENV.compile(tree, filename=_MARKER)
    except TemplateSyntaxError as exc:
        message = exc.message or "syntax error"
        if message.startswith(("No filter named", "No test named")):
            kind = "filter" if message.startswith("No filter") else "test"
            known = sorted(_ENV.filters if kind == "filter" else _ENV.tests)
            name = message.split("'")[1] if "'" in message else "?"
            message = f"unknown {kind} {name!r}; {kind}s are: {', '.join(known)}"
        raise NoteError(message, exc.lineno) from None
    template = _ENV.template_class.from_code(_ENV, code, _ENV.make_globals(None), None)
    return CompiledText(source, template)


def _template_line(tb: TracebackType | None) -> int | None:
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == _MARKER:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _run(compiled: CompiledText, context: dict[str, Any]) -> str:
    state = _ENV.state
    state.lines = 0
    state.output = 0

    def count_lines(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            state.lines += 1
            if state.lines > MAX_LINES_RUN:
                raise _Budget(f"the template ran too long (over {MAX_LINES_RUN:,} steps)")
        return count_lines

    def tracer(frame: FrameType, event: str, arg: Any) -> Any:
        return count_lines if frame.f_code.co_filename == _MARKER else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        return "".join(compiled.template.generate(context))
    finally:
        sys.settrace(previous)


def render_text(compiled: CompiledText, context: dict[str, Any]) -> str:
    """The filled-in text, or `NoteError` naming what went wrong and where; never partial."""
    records = {key: _records(value, key) for key, value in context.items()}
    try:
        return _run(compiled, records)
    except (_Budget, SecurityError, UndefinedError) as exc:
        raise NoteError(str(exc), _template_line(exc.__traceback__)) from None
    except (TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise NoteError(f"{type(exc).__name__}: {exc}", _template_line(exc.__traceback__)) from None
    except RecursionError:
        raise NoteError("the template nests too deeply") from None
    except MemoryError:
        raise NoteError("the template needs too much memory") from None
