"""Silence becomes a decision, with an injected clock: once the follow-up ladder is spent and
the close rule's delay has passed, a card asks "no answer in 5 weeks — close as no answer?";
never before, never after an answer or a close, and never by closing anything itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from store.cards.board import Board
from store.notes.due import KINDS, board_items, close_suggestion, most_pressing
from store.notes.flow import record_answer, record_sent
from store.notes.templates import Note, TemplateSet

BERLIN = ZoneInfo("Europe/Berlin")
INTERVIEW = datetime(2026, 3, 2, 10, 0, tzinfo=BERLIN).astimezone(UTC)  # a Monday


def day(n: int, hour: int = 12) -> datetime:
    """`n` days after the interview, at `hour` in Berlin."""
    return (INTERVIEW.astimezone(BERLIN) + timedelta(days=n)).replace(hour=hour).astimezone(UTC)


@pytest.fixture(scope="module")
def templates() -> TemplateSet:
    return TemplateSet(None)


def send(board: Board, card_id: str, templates: TemplateSet, name: str, when: datetime) -> None:
    record_sent(board, card_id, templates.get(name), Note(name, "s", "text"), at=when)


def ladder(templates: TemplateSet, upto: int = 3) -> tuple[Board, str]:
    """A card whose employer never answered: thank-you on day 0, the follow-ups on days 7, 14
    (and continued interest on day 28), as the defaults ask."""
    board = Board("aaaaaaaaaaaa")
    card_id = board.add({"company": "Initech", "role": "Analyst", "interviewed_at": INTERVIEW})
    steps = [("thank-you", 0), ("follow-up", 7), ("follow-up-2", 14), ("continued-interest", 28)]
    for name, n in steps[: upto + 1]:
        send(board, card_id, templates, name, day(n, 18))
    return board, card_id


def asked(board: Board, card_id: str, templates: TemplateSet, now: datetime):
    return close_suggestion(board.card(card_id), templates.everything(), now, BERLIN)


def test_a_spent_ladder_asks_to_close_three_weeks_after_the_last_note_and_never_before(
    templates,
) -> None:
    board, card_id = ladder(templates, upto=2)  # the last follow-up on day 14
    # Continued interest is still to come (day 28): the ladder is not spent before it is due.
    assert asked(board, card_id, templates, day(27)) is None
    assert asked(board, card_id, templates, day(34, 23)) is None  # 3 weeks after day 14: not yet
    item = asked(board, card_id, templates, day(35, 0))
    assert item is not None
    assert item.kind == "close" and item.template is None
    assert item.relative(day(35), BERLIN) == "no answer in 5 weeks"
    assert item.badge(day(35), BERLIN)[0] == "no answer in 5 weeks — close as no answer?"
    assert item.status(day(60), BERLIN) == "due"  # a question: never "overdue"
    assert item.to_json(day(35), BERLIN)["kind"] == "close"
    assert item.to_json(day(35), BERLIN)["template"] is None
    assert board.card(card_id).stage == "followed-up"  # nothing closed itself


def test_sending_another_note_puts_the_question_off_by_the_rules_delay(templates) -> None:
    board, card_id = ladder(templates, upto=3)  # continued interest sent on day 28
    assert asked(board, card_id, templates, day(48)) is None
    assert asked(board, card_id, templates, day(49)) is not None  # 28 + 21


def test_a_card_left_without_any_follow_up_asks_too_instead_of_nagging_forever(templates) -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = board.add(
        {"company": "Hooli", "interviewed_at": INTERVIEW, "stage": "waiting"}, at=INTERVIEW
    )
    card = board.card(card_id)
    now = day(348)
    items = board_items([card], templates.everything(), now, BERLIN, kinds=KINDS)
    assert {i.name for i in items} == {"follow-up", "close"}
    first = most_pressing(items, now, BERLIN)
    assert first is not None and first.kind == "close"  # the badge asks, it does not nag
    assert first.relative(now, BERLIN) == "no answer in 49 weeks"


def test_an_answer_takes_the_question_back_until_silence_builds_up_again(templates) -> None:
    board, card_id = ladder(templates, upto=2)
    assert asked(board, card_id, templates, day(40)) is not None
    record_answer(board, card_id, "Still deciding", at=day(40, 9))
    assert asked(board, card_id, templates, day(41)) is None
    assert asked(board, card_id, templates, day(90)) is None  # no note since their answer
    send(board, card_id, templates, "follow-up", day(50, 18))
    assert asked(board, card_id, templates, day(70)) is None
    later = asked(board, card_id, templates, day(71, 9))  # 21 days after the note of day 50
    assert later is not None
    assert later.relative(day(71), BERLIN) == "no answer in 4 weeks"  # since their answer


def test_closing_the_card_ends_the_question(templates) -> None:
    board, card_id = ladder(templates, upto=2)
    board.move(card_id, "closed", outcome="no-answer", at=day(36))
    assert asked(board, card_id, templates, day(37)) is None
    listed = board_items(
        [board.card(card_id)], templates.everything(), day(37), BERLIN, kinds=KINDS
    )
    assert all(i.kind != "close" for i in listed)


def test_the_close_rule_is_a_file_the_user_edits_like_any_template(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "close-no-answer.yaml").write_text(
        "kind: close\nstage: [thanked, waiting, followed-up]\ndue: {after: last_contact, weeks: 6}\n"
    )
    templates = TemplateSet(folder)
    assert [t.name for t in templates.close_rules()] == ["close-no-answer"]
    assert "close-no-answer" not in templates.names()  # not a letter: compose never offers it
    board, card_id = ladder(TemplateSet(None), upto=2)
    assert asked(board, card_id, templates, day(40)) is None  # six weeks now, not three
    assert asked(board, card_id, templates, day(56)) is not None


def test_a_close_rule_without_due_never_asks(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "close-no-answer.yaml").write_text("kind: close\nstage: waiting\n")
    templates = TemplateSet(folder)
    assert templates.problems() == []
    board, card_id = ladder(TemplateSet(None), upto=2)
    assert asked(board, card_id, templates, day(300)) is None


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("kind: close\nstage: waiting\ndue: {after: silence, weeks: 3}\n", 3, "after must be"),
        ("kind: close\nstage: waiting\nsubject: Hi\n", 3, "writes no letter"),
        ("kind: close\nstage: closed\ndue: {after: last_contact, weeks: 3}\n", 2, "closed"),
        ("kind: shut\nstage: waiting\n", 1, "kind must be"),
    ],
)
def test_a_broken_close_rule_is_one_line_naming_its_file_and_line_and_the_built_in_stays(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "close-no-answer.yaml").write_text(text)
    templates = TemplateSet(folder)
    [problem] = templates.problems()
    assert problem.line == line
    assert words in problem.message
    assert str(problem).startswith("templates/close-no-answer.yaml, line ")
    assert "\n" not in str(problem)
    [rule] = templates.close_rules()
    assert rule.builtin and rule.due_text == "3 weeks after the last contact"


def test_compose_refuses_the_close_rule_by_name(templates) -> None:
    from store.notes.templates import UnknownTemplate

    with pytest.raises(UnknownTemplate, match="not a letter"):
        templates.get("close-no-answer")
