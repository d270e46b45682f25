"""The sandbox: a template reads placeholders and nothing else. Known escapes, attribute
tricks, file access and resource bombs fail with a clear error and render nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.notes.placeholders import SAMPLE_PROFILE, card_context, sample_card
from store.notes.render import NoteError, compile_text, render_text
from store.notes.templates import TemplateSet

CONTEXT = card_context(sample_card(), SAMPLE_PROFILE, datetime(2026, 3, 4, tzinfo=UTC), UTC)

ESCAPES = [
    ("{{ ''.__class__.__mro__ }}", "'.__class__' of a text value is not one"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "calls are not allowed"),
    ("{{ company.__class__ }}", "'.__class__' of a text value"),
    ("{{ key_points.__class__.__base__ }}", "'.__class__' of a list"),
    ("{{ interviewer.__class__ }}", "unknown placeholder 'interviewer.__class__'"),
    ("{{ interviewer.items }}", "unknown placeholder 'interviewer.items'"),
    ("{{ key_points.append }}", "'.append' of a list is not one"),
    ("{{ company['__class__'] }}", "cannot look up '__class__' in a text value"),
    ("{{ cycler.__init__.__globals__ }}", "unknown placeholder 'cycler'"),
    ("{{ joiner }}", "unknown placeholder 'joiner'"),
    ("{{ namespace }}", "unknown placeholder 'namespace'"),
    ("{{ self }}", "unknown placeholder 'self'"),
    ("{{ self.__init__.__globals__ }}", "unknown placeholder 'self'"),
    ("{{ lipsum }}", "unknown placeholder 'lipsum'"),
    ("{{ lipsum.__globals__['os'] }}", "unknown placeholder 'lipsum'"),
    ("{{ config }}", "unknown placeholder 'config'"),
    ("{{ request }}", "unknown placeholder 'request'"),
    ("{% for i in range(10**9) %}x{% endfor %}", "calls are not allowed"),
    ("{{ range }}", "unknown placeholder 'range'"),
    ("{{ company.upper() }}", "calls are not allowed"),
    ("{{ '{0.__class__}'.format(company) }}", "calls are not allowed"),
    ("{{ company|attr('__class__') }}", "unknown filter 'attr'"),
    ("{{ key_points|map(attribute='__class__')|list }}", "cannot look up '__class__'"),
    ("{{ interviewers|selectattr('__class__')|list }}", "unknown placeholder"),
    ("{% include '/etc/passwd' %}", "{% include %} is not allowed"),
    ("{% import 'os' as os %}", "{% import %} is not allowed"),
    ("{% from 'x' import y %}", "{% from … import %} is not allowed"),
    ("{% extends 'base.txt' %}", "{% extends %} is not allowed"),
    ("{% macro boom() %}{{ boom() }}{% endmacro %}", "{% macro %} is not allowed"),
    ("{{ 9**9**9**9 }}", "the ** operator is not allowed"),
    ("{{ 'x' * 10**9 }}", "the ** operator is not allowed"),
    ("{{ 'x' * 1000000000 }}", "would be too long"),
    ("{{ key_points * 100000000 }}", "would be too long"),
    ("{{ 99999999999 * 99999999999 }}", "too big"),
    ("{{ '%s%s' % (company, role) }}", "%-formatting is not allowed"),
    ("{{ company|center(1000000000) }}", "unknown filter 'center'"),
    ("{{ company|format(1) }}", "unknown filter 'format'"),
    ("{{ company|indent(1000000000) }}", "unknown filter 'indent'"),
    ("{{ company|replace('', 'x' * 40000) }}", "would be too long"),
    (
        "{% for a in key_points %}{% for b in key_points %}{% for c in company %}"
        "{% for d in company %}{% for e in company %}{% for f in company %}"
        "{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
        "ran too long",
    ),
    (
        "{% for a in company %}{% for b in company %}{% for c in company %}{% for d in company %}"
        "{{ company }}{{ role }}{% endfor %}{% endfor %}{% endfor %}{% endfor %}",
        "too long for a note",
    ),
    (
        "{% set a = company ~ company %}" + "{% set a = a ~ a %}" * 20 + "{{ a }}",
        "would be too long",
    ),
    (
        "{% set a = key_points %}" + "{% set a = a + a %}" * 30 + "{{ a|length }}",
        "would be too long",
    ),
    ("{{ loop.cycle }}", "unknown placeholder 'loop'"),
    ("{% for x in key_points %}{{ loop.cycle('a', 'b') }}{% endfor %}", "calls are not allowed"),
]


@pytest.mark.parametrize(("source", "message"), ESCAPES)
def test_escape_fails_with_a_clear_error_and_renders_nothing(source: str, message: str) -> None:
    rendered = None
    with pytest.raises(NoteError) as caught:
        rendered = render_text(compile_text(source), CONTEXT)
    assert rendered is None
    assert message in caught.value.message
    assert caught.value.line == 1
    assert "Traceback" not in str(caught.value)


@pytest.mark.parametrize(("source", "message"), ESCAPES[:8] + ESCAPES[-6:])
def test_escape_in_a_template_file_is_reported_and_never_used(
    tmp_path: Path, source: str, message: str
) -> None:
    (tmp_path / "evil.yaml").write_text(
        "stage: thanked\nsubject: hi\nbody: |\n  Dear {{ interviewer.first_name }},\n"
        f"  {source}\n"
    )
    templates = TemplateSet(tmp_path)
    (problem,) = templates.problems()
    assert problem.line == 5
    assert message in problem.message
    assert "evil" not in templates.names()


def test_a_loop_that_grows_with_the_card_stops_at_render_time() -> None:
    """Fine on the sample card, too much for a card with hundreds of key points."""
    source = (
        "{% for a in key_points %}{% for b in key_points %}{% for c in key_points %}"
        "{% endfor %}{% endfor %}{% endfor %}ok"
    )
    compiled = compile_text(source)
    assert render_text(compiled, CONTEXT) == "ok"
    big = dict(CONTEXT, key_points=[f"point {i}" for i in range(200)])
    with pytest.raises(NoteError, match="ran too long"):
        render_text(compiled, big)


def test_safe_template_features_still_work() -> None:
    source = (
        "{{ company|upper }} / {{ interviewers|map(attribute='first_name')|join(' & ') }}\n"
        "{% for p in key_points %}{{ loop.index }}. {{ p|capitalize }}"
        "{% if not loop.last %}; {% endif %}{% endfor %}.\n"
        "{% set who = interviewer.first_name or 'team' %}{{ who }} {{ key_points|length }}"
        " {{ company|replace('Ltd', 'plc') }} {{ role|truncate(9, True, '…') }}"
        " {{ (days_since_interview * 2) }} {{ key_points[0][:3] }}"
        " {{ me.name }} {{ promised_by is defined }}"
    )
    text = render_text(compile_text(source), CONTEXT)
    assert text == (
        "EXAMPLE LTD / Ann & Bo\n"
        "1. The migration to event sourcing; 2. On-call once a month.\n"
        "Ann 2 Example plc Backend … 2 the Sam Doe True"
    )


def test_rendering_restores_an_existing_trace_function() -> None:
    import sys

    calls: list[str] = []

    def tracer(frame, event, arg):
        calls.append(event)
        return None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        render_text(compile_text("{{ company }}"), CONTEXT)
        assert sys.gettrace() is tracer
    finally:
        sys.settrace(previous)
