"""The parts of jinja2 that the note sandbox (store/notes/render.py) leans on are still there.

The sandbox overrides private methods of jinja2's compiler and reads private attributes of its
`Undefined`; none of that is public API, so a jinja2 release may move it without notice. The
sandbox's own tests would then fail in puzzling ways (or, worse, a size check would silently stop
running). This file fails instead, naming the hook that moved.

Checked on jinja2 3.0.3, 3.1.0, 3.1.2, 3.1.4 and 3.1.6, with the sandbox's and the templates'
tests beside it. pyproject.toml allows >=3.1,<4: a 4.0 is where a major release would move
these, and this file is what to run before lifting the cap.
"""

from __future__ import annotations

import inspect

import jinja2
import pytest
from jinja2 import StrictUndefined
from jinja2.compiler import CodeGenerator
from jinja2.environment import Template
from jinja2.filters import FILTERS
from jinja2.runtime import LoopContext
from jinja2.sandbox import SandboxedEnvironment
from jinja2.tests import TESTS

from store.notes import render
from store.notes.render import NoteEnvironment, NoteError, compile_text


def _parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("method", "parameters"),
    [
        ("visit_Concat", ["self", "node", "frame"]),
        ("_output_const_repr", ["self", "group"]),
        ("_output_child_pre", ["self", "node", "frame", "finalize"]),
        ("_output_child_post", ["self", "node", "frame", "finalize"]),
    ],
)
def test_the_compiler_methods_the_sandbox_overrides_still_exist(
    method: str, parameters: list[str]
) -> None:
    assert hasattr(CodeGenerator, method), f"jinja2 {jinja2.__version__}: CodeGenerator.{method}"
    assert _parameters(getattr(CodeGenerator, method)) == parameters, (
        f"jinja2 {jinja2.__version__} changed CodeGenerator.{method}'s signature"
    )


def test_the_compiled_code_routes_every_output_and_every_tilde_through_the_size_checks() -> None:
    """If jinja2 stops calling an overridden method, the hook is still defined but dead: only
    the generated code shows it."""
    code = NoteEnvironment().compile("Hello {{ company }}{{ role ~ round }}", raw=True)
    assert "environment.note_out('Hello ')" in code, code
    assert "environment.note_out(str(" in code, code
    assert "environment.note_concat((" in code, code


def test_the_sandbox_hooks_of_the_environment_keep_their_signatures() -> None:
    assert _parameters(SandboxedEnvironment.call_binop) == [
        "self",
        "context",
        "operator",
        "left",
        "right",
    ]
    assert _parameters(SandboxedEnvironment.getattr) == ["self", "obj", "attribute"]
    assert _parameters(SandboxedEnvironment.getitem) == ["self", "obj", "argument"]
    assert _parameters(SandboxedEnvironment.is_safe_attribute) == ["self", "obj", "attr", "value"]
    assert _parameters(SandboxedEnvironment.is_safe_callable) == ["self", "obj"]
    # call(__self, __context, __obj, *args, **kwargs): the override takes the same three first.
    kinds = [p.kind for p in inspect.signature(SandboxedEnvironment.call).parameters.values()]
    assert len(kinds) == 5
    assert kinds[3:] == [inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD]
    assert isinstance(SandboxedEnvironment.intercepted_binops, frozenset)
    assert SandboxedEnvironment.code_generator_class is CodeGenerator
    env = NoteEnvironment()
    assert set(NoteEnvironment.intercepted_binops) <= set(env.binop_table)
    assert _parameters(Template.from_code)[:4] == ["environment", "code", "globals", "uptodate"]


def test_the_undefined_internals_the_error_messages_read_are_still_there() -> None:
    missing = StrictUndefined(hint=None, obj={"a": 1}, name="b")
    assert missing._undefined_hint is None
    assert missing._undefined_obj == {"a": 1}
    assert missing._undefined_name == "b"
    assert isinstance(StrictUndefined._undefined_message, property)


def test_every_loop_counter_a_note_may_read_is_on_the_loop_context() -> None:
    for name in render._LOOP_FIELDS:
        assert hasattr(LoopContext, name), f"jinja2 {jinja2.__version__}: loop.{name}"


def test_every_filter_and_test_the_sandbox_allows_is_still_built_in() -> None:
    assert set(render._ALLOWED_FILTERS) <= set(FILTERS)
    assert set(render._ALLOWED_TESTS) <= set(TESTS)


def test_the_unknown_filter_message_the_sandbox_rewrites_still_reads_the_same() -> None:
    """compile_text turns jinja2's "No filter named 'x'." into a list of the filters there are;
    a rewording would pass the raw message through."""
    with pytest.raises(NoteError) as caught:
        compile_text("{{ company|center(9) }}")
    assert "unknown filter 'center'; filters are:" in str(caught.value)
    with pytest.raises(NoteError) as caught:
        compile_text("{{ company is callable }}")
    assert "unknown test 'callable'; tests are:" in str(caught.value)


def test_a_template_runs_under_its_marker_file_name_so_the_line_budget_can_find_it() -> None:
    compiled = compile_text("{{ company }}")
    assert compiled.template.root_render_func.__code__.co_filename == render._MARKER
