"""The follow-up flow in the app, driven with Pilot against a real vault: Today → compose →
edit in $EDITOR → mark sent; live template edits; answers; closing as rejected; badges."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import NOW, make_app, shown, until

from store.cards.model import Interviewer
from tui.app import FollowupApp
from tui.board.card_face import card_face
from tui.board.screen import BoardScreen
from tui.followups.answered import AnsweredScreen
from tui.followups.compose import ComposeScreen
from tui.followups.rejected import RejectedScreen
from tui.followups.today import TodayScreen

INTERVIEW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
SIZE = (130, 40)


@pytest.fixture
def session(laptop):
    session = laptop.session()
    session.config.profile = {"name": "Sam Doe"}
    return session


def add_card(session, **extra: Any) -> str:
    fields = {
        "company": "Acme",
        "role": "Backend dev",
        "interviewed_at": INTERVIEW,
        "interviewers": [Interviewer("Ann Lee", "CTO", "ann@acme.io")],
        "key_points": ["their move to Rust"],
        **extra,
    }
    return session.change(lambda board: board.add(fields, at=INTERVIEW))


@pytest.fixture
def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in $EDITOR: appends a line to the file it is given, and notes where it was."""
    log = tmp_path / "editor-saw"
    script = tmp_path / "fake-editor"
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$1" >> "{log}"\n'
        'printf "PS: I have attached the Rust talk I mentioned.\\n" >> "$1"\n'
    )
    script.chmod(0o755)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(script))
    return log


def preview(app: FollowupApp) -> str:
    screen = app.screen
    assert isinstance(screen, ComposeScreen)
    body = str(screen.query_one("#compose-body").render())
    return body


async def test_today_compose_edit_and_mark_sent_moves_the_card_and_logs_the_text(
    laptop, session, editor: Path
) -> None:
    card_id = add_card(session)
    add_card(session, company="Globex", interviewed_at=datetime(2026, 3, 1, 9, tzinfo=UTC))
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        today = app.screen
        assert isinstance(today, TodayScreen)
        assert [(i.card.company, i.template) for i in today.items] == [
            ("Globex", "follow-up"),  # due 8 March: the most overdue first
            ("Acme", "thank-you"),  # due 11 March 14:00
        ]
        await pilot.press("down", "enter")
        await pilot.pause()
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        assert compose.template_name == "thank-you"
        assert preview(app).startswith("Dear Ann,")
        await pilot.press("e")
        await pilot.pause()
        assert "PS: I have attached the Rust talk I mentioned." in preview(app)
        edited_at = Path(editor.read_text().strip())
        assert not edited_at.exists()  # the temp file is gone
        assert laptop.vault not in edited_at.parents  # and was never in the vault
        await pilot.press("y")
        assert app.clipboard == compose.note.body
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert [i.card.company for i in app.screen.items] == ["Globex"]
    card = shown(laptop, card_id)
    assert card["stage"] == "thanked"
    (sent,) = [e for e in card["timeline"] if e["kind"] == "note_sent"]
    assert sent["template"] == "thank-you"
    assert sent["subject"] == "Thank you — Backend dev interview"
    assert sent["text"].startswith("Dear Ann,\n")
    assert "- their move to Rust\n" in sent["text"]
    assert sent["text"].endswith("Sam Doe\nPS: I have attached the Rust talk I mentioned.\n")


async def test_compose_from_a_card_suggests_the_due_template_first(session) -> None:
    add_card(session, stage="waiting", interviewed_at=datetime(2026, 3, 1, 9, tzinfo=UTC))
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        assert compose.order[0] == "follow-up"
        assert set(compose.order) >= {"thank-you", "follow-up-2", "rejection-reply"}
        assert "I am following up on our conversation" in preview(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_editing_a_template_while_the_app_runs_changes_the_next_render_and_a_broken_edit_keeps_the_last_good_version(
    laptop, session
) -> None:
    add_card(session)
    path = laptop.vault / "templates" / "thank-you.yaml"
    original = path.read_text()
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert "Thank you for taking the time" in preview(app)

        path.write_text(
            original.replace("Thank you for taking the time", "Many thanks for the time")
        )
        app.templates_changed([path])  # what the folder watcher reports
        await pilot.pause()
        assert "Many thanks for the time" in preview(app)

        path.write_text(original.replace('{{ company | trim(".") }}', "{{ compnay }}", 1))
        app.templates_changed([path])
        await pilot.pause()
        compose = app.screen
        problem = str(compose.query_one("#compose-problem").render())
        assert "templates/thank-you.yaml, line 12: body: unknown placeholder 'compnay'" in problem
        assert "Many thanks for the time" in preview(app)  # the last good version still works
        assert compose.note is not None

        path.write_text(original)  # fixed again: picked up by the screen's own re-read
        problem_shown = compose.query_one("#compose-problem")
        fixed = "Thank you for taking the time"
        await until(
            pilot,
            "the fixed template",
            lambda: fixed in preview(app) and not problem_shown.display,
        )
        assert "Thank you for taking the time" in preview(app)
        assert not compose.query_one("#compose-problem").display


async def test_leaving_the_editor_without_a_change_does_not_freeze_the_note_as_edited(
    laptop, session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_card(session)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "true")  # opened and quit without saving (vi's :q!)
    path = laptop.vault / "templates" / "thank-you.yaml"
    original = path.read_text()
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        await pilot.press("e")
        await pilot.pause()
        state = str(compose.query_one("#compose-state").render())
        assert "edited by you" not in state
        path.write_text(
            original.replace("Thank you for taking the time", "Many thanks for the time")
        )
        app.templates_changed([path])  # a template edit still reaches the unedited note
        await pilot.pause()
        assert "Many thanks for the time" in preview(app)


async def test_a_template_that_cannot_render_for_this_card_cannot_be_sent(laptop, session) -> None:
    card_id = add_card(session)
    (laptop.vault / "templates" / "second-person.yaml").write_text(
        "stage: interviewed\nsubject: hi\nbody: |\n  Dear {{ interviewers[1].first_name }},\n"
    )
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        compose = app.screen
        options = compose.query_one("#compose-templates")
        options.highlighted = compose.order.index("second-person")
        await pilot.pause()
        problem = str(compose.query_one("#compose-problem").render())
        assert "second-person.yaml, line 4: body: interviewers has no item 1" in problem
        assert compose.note is None
        await pilot.press("s")
        await pilot.pause()
        assert compose.is_current
    assert not [e for e in shown(laptop, card_id)["timeline"] if e["kind"] == "note_sent"]


async def test_the_answered_key_records_an_answer_and_a_new_promised_date(laptop, session) -> None:
    card_id = add_card(session, stage="thanked")
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")  # the focus starts on the first card: the thanked one
        await pilot.pause()
        assert isinstance(app.screen, AnsweredScreen)
        await pilot.press(*"Deciding next week", "enter", *"2026-03-20", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
    card = shown(laptop, card_id)
    assert card["stage"] == "waiting"
    assert card["promised_by"] == "2026-03-20"
    assert [e.get("text") for e in card["timeline"] if e["kind"] == "answered"] == [
        "Deciding next week"
    ]


async def test_a_bad_promised_date_is_shown_and_nothing_is_recorded(laptop, session) -> None:
    card_id = add_card(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("tab", *"someday", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnsweredScreen)
        assert "Bad date 'someday'" in str(screen.query_one("#answered-error").render())
    assert not [e for e in shown(laptop, card_id)["timeline"] if e["kind"] == "answered"]


async def test_closing_as_rejected_offers_the_reply_and_keeps_what_i_learned(
    laptop, session
) -> None:
    card_id = add_card(session, stage="waiting")
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")  # to closed: which outcome?
        await pilot.pause()
        await pilot.press("2")  # rejected
        await pilot.pause()
        assert isinstance(app.screen, RejectedScreen)
        await pilot.press(*"Practise system design out loud", "ctrl+r")
        await pilot.pause()
        compose = app.screen
        assert isinstance(compose, ComposeScreen)
        assert compose.template_name == "rejection-reply"
        assert "grateful for any feedback" in preview(app)
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
    card = shown(laptop, card_id)
    assert (card["stage"], card["outcome"]) == ("closed", "rejected")
    assert card["learned"] == "Practise system design out loud"
    assert [e["template"] for e in card["timeline"] if e["kind"] == "note_sent"] == [
        "rejection-reply"
    ]


async def test_board_cards_carry_due_and_overdue_badges(session) -> None:
    overdue = add_card(session)
    fresh = add_card(session, company="Globex", interviewed_at=datetime(2026, 3, 12, 9, tzinfo=UTC))
    calm = add_card(session, company="Initech", stage="thanked")
    app = make_app(session)
    async with app.run_test(size=SIZE):
        board = session.board
        late = card_face(board.card(overdue), NOW, app.context.due_badge)
        assert (late.badge, late.overdue) == ("thank-you 22 h overdue", True)
        soon = card_face(board.card(fresh), NOW, app.context.due_badge)
        assert (soon.badge, soon.overdue) == ("thank-you due in 21 h", False)
        waiting = card_face(board.card(calm), NOW, app.context.due_badge)
        assert waiting.upcoming and not waiting.overdue  # nothing due: its next step, muted
        assert str(waiting.badge).startswith("follow-up due in")


async def test_a_template_edited_in_the_folder_reaches_the_running_board_without_a_keypress(
    laptop,
) -> None:
    """The board's folder watcher reports template files; the badges follow the new rule."""

    from conftest import PASSPHRASE

    from store.config import Config
    from store.vault.crypto import Vault
    from sync.folder import open_folder
    from tui.board.sync_status import SyncStatus

    with laptop.active():
        session = open_folder(Vault.unlock(laptop.vault, PASSPHRASE), Config.load())
    card_id = add_card(session)
    path = laptop.vault / "templates" / "thank-you.yaml"
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        status = app.screen.query_one(SyncStatus)
        await until(pilot, "the watcher running", status.watching.is_set)
        card = session.board.card(card_id)
        assert app.context.due_badge(card, NOW) == "thank-you 22 h overdue"

        path.write_text(path.read_text().replace("hours: 24", "hours: 48"))
        await until(
            pilot,
            "the new rule on the board",
            lambda: app.context.due_badge(card, NOW) == "thank-you due in 2 h",
        )

        path.write_text("stage: [interviewed\n")
        await until(
            pilot, "the broken file reported", lambda: bool(app.context.templates.problems())
        )
        (problem,) = app.context.templates.problems()
        assert str(problem).startswith("templates/thank-you.yaml, line 1: not valid YAML")  # the [
        assert app.context.due_badge(card, NOW) == "thank-you due in 2 h"  # the last good version


def test_a_vault_created_on_first_run_gets_the_default_templates(
    tmp_path: Path, monkeypatch
) -> None:
    from conftest import PASSPHRASE

    from store.config import Config
    from store.notes.templates import default_files
    from tui.launch import set_up_vault

    monkeypatch.setenv("FOLLOWUP_CONFIG_DIR", str(tmp_path / "config"))
    folder = tmp_path / "vault"
    set_up_vault(folder, PASSPHRASE, "laptop", Config.load(), create=True)
    names = sorted(p.name for p in (folder / "templates").iterdir())
    assert names == sorted(p.name for p in default_files())
