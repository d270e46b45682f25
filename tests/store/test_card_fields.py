"""One vocabulary for card fields: a person, a date, a list, a stage word mean the same typed on
the command line, into the card form, or found in a spreadsheet cell."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from store.cards.board import Board
from store.cards.dates import parse_day, parse_moment, parse_when
from store.cards.fields import field_value, normalize, parse_person, split_people, split_tags
from store.cards.model import Interviewer, check_state, malformed
from store.cards.stages import (
    OUTCOME_SENTENCES,
    OUTCOME_WORDS,
    OUTCOMES,
    STAGE_TITLES,
    STAGES,
    outcome_named,
    parse_outcome,
    parse_stage,
)
from store.errors import BadValue
from store.transfer import importer
from store.transfer.importer.rows import build_row

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, 15, 42, tzinfo=BERLIN)


@pytest.mark.parametrize(
    "typed",
    [
        "Lucius Fox, CTO <lucius@wayne.com>",
        "Ann Lee (Head of Data)",
        "bob@x.io",
        "Lee, Ann (CTO)",
    ],
)
def test_a_person_reads_the_same_typed_on_the_cli_in_the_form_or_in_a_cell(typed: str) -> None:
    person = parse_person(typed)  # the CLI's --interviewer
    assert field_value("interviewers", typed) == [person]  # the card form
    row = build_row("line 2", {"company": "Acme", "interviewers": typed}, "mdy")  # an import
    assert row.fields["interviewers"] == [person]


def test_a_person_keeps_every_part_of_what_was_typed() -> None:
    assert parse_person("Lucius  Fox, CTO <lucius@wayne.com>") == Interviewer(
        "Lucius Fox", "CTO", "lucius@wayne.com"
    )
    assert parse_person("bob@x.io") == Interviewer("bob@x.io", "", "bob@x.io")
    assert str(parse_person("bob@x.io")) == "bob@x.io"  # shown once, and reads back the same
    # A title after the comma is kept when a title in brackets follows it.
    assert parse_person("Lee, Ann (CTO)") == Interviewer("Lee", "Ann, CTO", "")
    # Commas around an email typed last are separators, not part of the title.
    assert parse_person("Ann Lee, CTO, ann@acme.io") == Interviewer("Ann Lee", "CTO", "ann@acme.io")


@pytest.mark.parametrize("nobody", ["-", "<>", ", CTO", "(CTO)"])
def test_text_that_names_nobody_is_an_error_when_typed_and_passed_over_in_a_cell(
    nobody: str,
) -> None:
    with pytest.raises(BadValue, match="Bad interviewer"):
        parse_person(nobody)
    with pytest.raises(BadValue, match="Bad interviewer"):
        field_value("interviewers", f"Ann Lee\n{nobody}")
    assert split_people(f"Ann Lee; {nobody}", lenient=True) == [Interviewer("Ann Lee")]


def test_a_list_reads_the_same_in_the_form_and_in_a_cell() -> None:
    text = "remote, #python; berlin"
    assert field_value("tags", text) == split_tags(text) == ["remote", "python", "berlin"]
    row = build_row("line 2", {"company": "Acme", "tags": text}, "mdy")
    assert row.fields["tags"] == ["remote", "python", "berlin"]
    assert field_value("links", "https://a.io/1\nhttps://a.io/2 https://a.io/3") == [
        "https://a.io/1",
        "https://a.io/2",
        "https://a.io/3",
    ]


@pytest.mark.parametrize(
    ("typed", "local"),
    [
        ("Mar 3, 2025", datetime(2025, 3, 3, 9, 0)),
        ("13.03.2025 14:00", datetime(2025, 3, 13, 14, 0)),
        ("Tue, 4 March 2025 2pm", datetime(2025, 3, 4, 14, 0)),
        ("2025-03-04 2pm", datetime(2025, 3, 4, 14, 0)),
        ("25/12/2025", datetime(2025, 12, 25, 9, 0)),
        ("today 14:00:30", datetime(2026, 11, 25, 14, 0, 30)),
    ],
)
def test_dates_as_spreadsheets_write_them_can_be_typed_too(typed: str, local: datetime) -> None:
    expected = local.replace(tzinfo=BERLIN).astimezone(UTC)
    assert parse_when(typed, now=NOW, tz=BERLIN) == expected
    assert parse_moment(typed, "dmy", now=NOW, tz=BERLIN).at == expected


def test_a_slashed_date_that_could_be_two_days_is_asked_about_when_typed() -> None:
    with pytest.raises(BadValue) as caught:
        parse_when("03/04/2025", now=NOW, tz=BERLIN)
    assert "2025-04-03 (day first) or 2025-03-04 (month first)" in str(caught.value)
    with pytest.raises(BadValue, match="could be"):
        parse_day("03/04/2025", now=NOW, tz=BERLIN)
    # A file settles it with its own day order.
    assert parse_moment("03/04/2025", "dmy").day == date(2025, 4, 3)
    assert parse_moment("03/04/2025", "mdy").day == date(2025, 3, 4)


@pytest.mark.parametrize("cell", ["1850-05-05", "9999-01-01", "0001-01-01", "Jan 1 2200"])
def test_an_imported_date_outside_the_years_the_app_keeps_is_a_bad_row(cell: str) -> None:
    with pytest.raises(BadValue, match="out of range"):
        parse_when(cell)
    source = importer.read_csv(f"Company,Interview date\nAcme,{cell}\n".encode(), "x.csv")
    assert source.rows == []
    assert [str(p) for p in source.problems] == [f"line 2: bad interview date {cell!r}"]


def test_every_stage_and_outcome_has_its_words_and_reads_back_from_them() -> None:
    assert set(STAGE_TITLES) == set(STAGES)
    assert set(OUTCOME_WORDS) == set(OUTCOME_SENTENCES) == set(OUTCOMES)
    for stage in STAGES:
        assert parse_stage(stage) == (stage, None)
        assert parse_stage(STAGE_TITLES[stage]) == (stage, None)
    for outcome in OUTCOMES:
        assert parse_stage(OUTCOME_WORDS[outcome]) == ("closed", outcome)
        assert parse_outcome(OUTCOME_WORDS[outcome]) == outcome
        assert outcome_named(OUTCOME_WORDS[outcome].upper()) == outcome
        assert normalize("outcome", OUTCOME_WORDS[outcome]) == outcome


def test_a_synonym_is_an_outcome_in_a_file_but_not_when_written_to_a_card() -> None:
    assert parse_outcome("Ghosted") == "no-answer"
    assert parse_outcome("n/a") is None
    assert outcome_named("Ghosted") is None
    with pytest.raises(BadValue, match="Unknown outcome 'ghosted'"):
        normalize("outcome", "Ghosted")
    with pytest.raises(BadValue, match="unknown outcome 'Maybe'"):
        parse_outcome("Maybe")


def _card_state() -> tuple[str, dict]:
    board = Board("0123456789ab")
    card_id = board.add({"company": "Acme", "interviewed_at": datetime(2026, 3, 3, tzinfo=UTC)})
    return card_id, board.cards[card_id]


def test_a_bad_stamp_stops_a_backup_card_but_a_replica_merge_checks_only_the_shape() -> None:
    card_id, state = _card_state()
    assert malformed(state) is None and malformed(state, thorough=True) is None
    assert check_state(card_id, state) == state
    damaged = {"f": {**state["f"], "company": [["Acme", "not a stamp"]]}, "t": state["t"]}
    assert malformed(damaged) is None  # authenticated replicas: the shape a merge relies on
    assert malformed(damaged, thorough=True) == "field 'company' has a malformed version"
    with pytest.raises(BadValue, match="field 'company' has a malformed version"):
        check_state(card_id, damaged)


def test_a_card_state_that_cannot_be_merged_is_refused_by_both_checks() -> None:
    _, state = _card_state()
    event_id = next(iter(state["t"]))
    for broken, says in [
        ({"f": state["f"]}, "its state is not a card's fields and timeline"),
        ({"f": {**state["f"], "role": []}, "t": state["t"]}, "field 'role' holds no versions"),
        ({"f": state["f"], "t": {event_id: ["x"]}}, f"timeline event {event_id!r} is malformed"),
    ]:
        assert malformed(broken) == says
        assert malformed(broken, thorough=True) == says
    with pytest.raises(BadValue, match="bad card id"):
        check_state("../etc", state)
