"""The card form reads what is typed into it with store's one vocabulary of card fields."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from store.cards.dates import parse_when
from store.cards.fields import parse_person
from store.errors import BadValue
from tui.card.edit import parse_field

NOW = datetime(2026, 11, 25, 15, 42, tzinfo=UTC)


def test_the_form_reads_people_dates_and_tags_as_the_cli_and_the_importer_do() -> None:
    typed = "Lucius Fox, CTO <lucius@wayne.com>\nAnn Lee (Head of Data)"
    assert parse_field("interviewers", typed) == [
        parse_person("Lucius Fox, CTO <lucius@wayne.com>"),
        parse_person("Ann Lee (Head of Data)"),
    ]
    assert parse_field("interviewed_at", "Mar 3, 2025 2pm", NOW) == parse_when("Mar 3, 2025 2pm")
    assert parse_field("tags", "remote, #python; berlin") == ["remote", "python", "berlin"]
    assert parse_field("notes", "  indented\n") == "  indented"


@pytest.mark.parametrize(
    ("name", "typed", "says"),
    [
        ("interviewers", "<>", "Interviewers: Bad interviewer '<>'"),
        ("interviewed_at", "03/04/2025", "Interviewed: Bad date '03/04/2025': it could be"),
        ("promised_by", "2026-02-30", "Answer promised: Bad date '2026-02-30': no such day."),
    ],
)
def test_a_bad_value_in_the_form_names_its_field(name: str, typed: str, says: str) -> None:
    with pytest.raises(BadValue) as caught:
        parse_field(name, typed, NOW)
    assert str(caught.value).startswith(says)
