"""Template files: the defaults, installing them, reporting broken files with their line while
the last good version stays in use, and rendering notes from a card and the profile."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.cards.board import Board
from store.cards.model import Interviewer
from store.notes.templates import (
    Note,
    TemplateError,
    TemplateSet,
    UnknownTemplate,
    default_files,
    install_defaults,
)

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
PROFILE = {"name": "Sam Doe", "signature": "Sam Doe\n+1 555 0100"}

GOOD = """\
stage: thanked
due: {after: last_contact, days: 3}
subject: "Hello {{ company }}"
body: |
  Dear {{ interviewer.first_name }},
  version one
"""


def card_on(board: Board, **fields):
    values = {
        "company": "Acme",
        "role": "Backend dev",
        "interviewed_at": datetime(2026, 3, 10, 14, 0, tzinfo=UTC),
        "interviewers": [Interviewer("Ann Lee", "CTO"), Interviewer("Bo Chen")],
        "key_points": ["their move to Rust", "a four-day week"],
        **fields,
    }
    return board.card(board.add(values))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "templates"
    path.mkdir()
    return path


# --- defaults ---------------------------------------------------------------------------------


def test_every_default_loads_and_renders_a_personal_note() -> None:
    templates = TemplateSet(None)
    assert templates.problems() == []
    assert templates.names() == [
        "thank-you",
        "follow-up",
        "follow-up-2",
        "continued-interest",
        "offer-reply",
        "rejection-reply",
    ]
    card = card_on(Board("aaaaaaaaaaaa"))
    thanks = templates.get("thank-you").render(card, PROFILE, NOW, UTC)
    assert thanks.subject == "Thank you — Backend dev interview"
    assert thanks.body.startswith("Dear Ann,\n\nThank you for taking the time")
    assert "Tuesday 10 March" in thanks.body
    assert "- their move to Rust\n- a four-day week\n" in thanks.body
    assert "Please pass my thanks on to Bo as well." in thanks.body
    assert thanks.body.endswith("Best regards,\nSam Doe\n+1 555 0100\n")
    for template in templates.all():
        note = template.render(card, PROFILE, NOW, UTC)
        assert "Acme" in note.subject + note.body, template.name
        assert "\n\n\n" not in note.body, template.name


def test_a_card_without_interviewers_is_addressed_to_the_hiring_team() -> None:
    card = card_on(Board("aaaaaaaaaaaa"), interviewers=[], key_points=[])
    note = TemplateSet(None).get("thank-you").render(card, {}, NOW, UTC)
    assert note.body.startswith("Dear hiring team,")
    assert "stayed with me" not in note.body


def test_install_defaults_copies_them_and_never_overwrites_an_edit(tmp_path: Path) -> None:
    created = install_defaults(tmp_path)
    assert sorted(p.name for p in created) == sorted(p.name for p in default_files())
    edited = tmp_path / "templates" / "thank-you.yaml"
    edited.write_text(GOOD)
    (tmp_path / "templates" / "follow-up-2.yaml").unlink()
    again = install_defaults(tmp_path)
    assert [p.name for p in again] == ["follow-up-2.yaml"]
    assert edited.read_text() == GOOD


def test_a_vault_file_overrides_the_builtin_and_removing_it_brings_the_builtin_back(
    folder: Path,
) -> None:
    path = folder / "thank-you.yaml"
    path.write_text(GOOD)
    templates = TemplateSet(folder)
    assert not templates.get("thank-you").builtin
    assert templates.get("thank-you").stages == ("thanked",)
    path.unlink()
    assert templates.reload(path) == "thank-you"
    assert templates.get("thank-you").builtin


def test_a_dropped_in_file_is_a_new_template(folder: Path) -> None:
    templates = TemplateSet(folder)
    path = folder / "coffee-chat.yml"
    path.write_text(GOOD)
    assert templates.reload(path) == "coffee-chat"
    assert "coffee-chat" in templates.names()
    with pytest.raises(UnknownTemplate, match="No template 'nope'; templates are: thank-you"):
        templates.get("nope")


# --- broken files -----------------------------------------------------------------------------------


BROKEN = [
    ("stage: thanked\nsubject: [unclosed\nbody: x\n", 2, "a [ is never closed"),  # where it opened
    ("stage: thanked\nbody: hi\n", 1, "missing subject:"),
    ("stage: thanked\nsubject: ''\nbody: hi\n", 2, "missing subject:"),
    ("stage: thanked\nsubject: s\nbody: hi\ncolour: red\n", 4, "unknown key 'colour'"),
    ("stage: pondering\nsubject: s\nbody: hi\n", 1, "unknown stage 'pondering'"),
    ("stage: [thanked, nope]\nsubject: s\nbody: hi\n", 1, "unknown stage 'nope'"),
    ("stage: closed\noutcome: ghosted\nsubject: s\nbody: hi\n", 2, "unknown outcome 'ghosted'"),
    ("stage: thanked\nmoves_to: heaven\nsubject: s\nbody: hi\n", 2, "moves_to must be a stage"),
    (
        "stage: thanked\ndue:\n  after: last_contact\n  dayz: 3\nsubject: s\nbody: hi\n",
        4,
        "due: unknown key 'dayz'",
    ),
    (
        "stage: thanked\ndue:\n  - {after: promised_by, days: 1}\n  - {after: lunch, days: 7}\n"
        "subject: s\nbody: hi\n",
        4,
        "due: after must be one of",
    ),
    ("stage: thanked\nsubject: s\nbody: |\n  Dear {{ nmae }},\n", 4, "unknown placeholder 'nmae'"),
    (
        "stage: thanked\nsubject: s\nbody: |\n  Hi\n\n  {{ interviewer.nmae }}\n",
        6,
        "unknown placeholder 'interviewer.nmae'",
    ),
    ("stage: thanked\nsubject: s\nbody: |\n  {% if %}\n", 4, "body:"),
    ("stage: thanked\nsubject: '{{ company'\nbody: hi\n", 2, "subject:"),
    ("- just\n- a list\n", 1, "expected keys"),
    ("stage: thanked\nsubject: 3\nbody: hi\n", 2, "subject must be text"),
]


@pytest.mark.parametrize(("text", "line", "message"), BROKEN)
def test_a_broken_file_is_reported_with_its_line_and_the_last_good_version_stays(
    folder: Path, text: str, line: int, message: str
) -> None:
    path = folder / "check-in.yaml"
    path.write_text(GOOD)
    templates = TemplateSet(folder)
    good = templates.get("check-in")
    path.write_text(text)
    assert templates.reload(path) is None
    (problem,) = templates.problems()
    assert message in problem.message
    assert problem.line == line
    assert str(problem).startswith(f"templates/check-in.yaml, line {line}: ")
    assert templates.get("check-in") is good  # the last good version is still in use
    card = card_on(Board("aaaaaaaaaaaa"))
    assert "version one" in templates.get("check-in").render(card, PROFILE, NOW, UTC).body
    path.write_text(GOOD.replace("version one", "version two"))
    assert templates.reload(path) == "check-in"
    assert templates.problems() == []
    assert "version two" in templates.get("check-in").render(card, PROFILE, NOW, UTC).body


def test_a_broken_default_at_start_falls_back_to_the_builtin(folder: Path) -> None:
    (folder / "thank-you.yaml").write_text("stage: thanked\nsubject: s\n")
    templates = TemplateSet(folder)
    assert templates.get("thank-you").builtin
    assert [p.line for p in templates.problems()] == [1]


def test_sync_conflict_copies_are_reported_and_temp_files_ignored(folder: Path) -> None:
    (folder / "thank-you.sync-conflict-20260310-101500-ABCDEF1.yaml").write_text(GOOD)
    (folder / "follow-up (Sam's conflicted copy 2026-03-10).yaml").write_text(GOOD)
    (folder / ".syncthing.thank-you.yaml.tmp").write_text("garbage: [")
    (folder / "~syncthing~thank-you.yaml.tmp").write_text("garbage: [")
    (folder / ".followup-x.yaml.1234.tmp").write_text("garbage: [")
    (folder / "README.txt").write_text("notes")
    templates = TemplateSet(folder)
    messages = [p.message for p in templates.problems()]
    assert len(messages) == 2
    assert all("two laptops edited a template at once" in m for m in messages)
    assert templates.get("thank-you").builtin and templates.get("follow-up").builtin


def test_an_oversized_file_is_refused(folder: Path) -> None:
    (folder / "huge.yaml").write_text(GOOD + "#" * 70_000)
    (problem,) = TemplateSet(folder).problems()
    assert "too big" in problem.message


def test_reload_all_notices_a_removed_broken_file(folder: Path) -> None:
    path = folder / "bad.yaml"
    path.write_text("stage: nowhere\nsubject: s\nbody: b\n")
    templates = TemplateSet(folder)
    assert len(templates.problems()) == 1
    path.unlink()
    templates.reload_all()
    assert templates.problems() == []


# --- suggestions ------------------------------------------------------------------------------------


def test_for_card_puts_what_is_due_first_then_the_stage_then_the_rest() -> None:
    templates = TemplateSet(None)
    board = Board("aaaaaaaaaaaa")
    card = card_on(board, stage="waiting", interviewed_at=datetime(2026, 3, 1, 10, tzinfo=UTC))
    names = [t.name for t in templates.for_card(card, NOW, UTC)]
    assert names[0] == "follow-up"
    assert names.index("thank-you") > names.index("follow-up")
    fresh = card_on(board)
    assert templates.suggested(fresh, NOW, UTC).name == "thank-you"


# --- notes and the editor ---------------------------------------------------------------------------


def test_a_note_reads_back_from_an_editor_with_its_subject() -> None:
    note = Note("thank-you", "Hello", "Dear Ann,\nthanks\n")
    assert note.text == "Subject: Hello\n\nDear Ann,\nthanks\n"
    again = Note.from_text("thank-you", note.text.replace("Hello", "Hello again") + "PS\n")
    assert again.subject == "Hello again"
    assert again.body == "Dear Ann,\nthanks\nPS\n"
    assert Note.from_text("x", "no subject\n").subject == ""


def test_unknown_placeholder_at_render_names_it_and_renders_nothing(folder: Path) -> None:
    """A list index the sample card has but this card lacks fails when the note is made."""
    path = folder / "second.yaml"
    path.write_text("stage: thanked\nsubject: s\nbody: |\n  Hi {{ interviewers[1].name }}\n")
    templates = TemplateSet(folder)
    card = card_on(Board("aaaaaaaaaaaa"), interviewers=[Interviewer("Ann Lee")])
    with pytest.raises(
        TemplateError, match=r"second.yaml, line 4: body: interviewers has no item 1"
    ):
        templates.get("second").render(card, PROFILE, NOW, UTC)


def test_the_note_modules_import_no_textual_tui_or_sync() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import store.notes.templates, store.notes.due, store.notes.render, store.transfer.ics, store.notes.flow; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui', 'sync')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
