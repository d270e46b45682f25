"""How every screen looks, pinned as SVG snapshots (pytest-textual-snapshot), in two themes.

Deterministic by construction: a fixed clock, UTC, card ids from a counter, the home dir at a
temp folder (paths show as `~/…`), no blinking cursor, fixed terminal size. A change to the
look fails here until the snapshots are regenerated with `--snapshot-update` and looked at.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import PASSPHRASE, SIZE, add_sample_cards, fixed_now, predictable_ids, until
from textual.pilot import Pilot

from store.config import Config
from tui.app import FollowupApp
from tui.board.card_face import Badge

THEMES = ["dusk", "paper"]


pytestmark = pytest.mark.usefixtures("steady_world")


def board_app(laptop: Any, theme: str, **kwargs: Any) -> tuple[FollowupApp, dict[str, str]]:
    session = predictable_ids(laptop.session())
    ids = add_sample_cards(session)
    session.config.theme = theme
    return FollowupApp(session=session, now=fixed_now, cursor_blink=False, **kwargs), ids


def overdue_badge(card: Any, now: Any) -> str | None:
    """Stands in for the due-date rules: shows how badges look on the board (short forms on
    cards too narrow for the full text)."""
    return {
        "Globex": Badge("thank-you 2 days overdue", "thank-you", "2d over"),
        "Acme": Badge("thank-you due in 3 h", "thank-you", "due 3h"),
    }.get(card.company)


@pytest.mark.parametrize("theme", THEMES)
def test_board(snap_compare, laptop, theme: str) -> None:
    app, _ = board_app(laptop, theme, due_badge=overdue_badge)
    assert snap_compare(app, terminal_size=SIZE)


@pytest.mark.parametrize("theme", THEMES)
def test_help(snap_compare, laptop, theme: str) -> None:
    app, _ = board_app(laptop, theme)
    assert snap_compare(app, press=["question_mark"], terminal_size=SIZE)


@pytest.mark.parametrize("theme", THEMES)
def test_close_outcome(snap_compare, laptop, theme: str) -> None:
    app, _ = board_app(laptop, theme)
    assert snap_compare(app, press=["l", "l", "l", "shift+right"], terminal_size=SIZE)


@pytest.mark.parametrize("theme", THEMES)
def test_card_detail_with_a_conflict(snap_compare, make_laptop, theme: str) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    with a.active():
        session = predictable_ids(a.session())
        ids = add_sample_cards(session)
    with b.active():
        b.session()  # b joins under its name, "b"
    acme = ids["Acme"]
    assert b.cli("edit", acme, "--notes", "Ann wants a follow-up call next week.").code == 0
    with a.active():
        session.change(lambda board: board.edit(acme, {"notes": "Ann liked the migration story!"}))
        session.reload()
        session.config.theme = theme
    app = FollowupApp(session=session, now=fixed_now, cursor_blink=False)
    assert snap_compare(app, press=["j", "enter"], terminal_size=SIZE)


def test_card_edit_with_a_bad_date(snap_compare, laptop) -> None:
    app, _ = board_app(laptop, "dusk")

    async def type_bad_date(pilot: Pilot) -> None:
        await pilot.press("j", "e")
        pilot.app.screen.query_one("#field-interviewed_at").value = "last tuesday-ish"
        await pilot.press("ctrl+s")
        pilot.app.screen.set_focus(None)

    assert snap_compare(app, run_before=type_bad_date, terminal_size=SIZE)


def fresh_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, theme: str) -> None:
    monkeypatch.setenv("FOLLOWUP_CONFIG_DIR", str(tmp_path / "fresh-config"))
    monkeypatch.delenv("FOLLOWUP_PASSWORD_FILE", raising=False)
    config = Config.load()
    config.device_name = "work laptop"
    config.theme = theme
    config.save()


@pytest.mark.parametrize("theme", THEMES)
def test_first_run(
    snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, theme: str
) -> None:
    fresh_config(tmp_path, monkeypatch, theme)
    (tmp_path / "Dropbox").mkdir()
    (tmp_path / "Sync").mkdir()
    app = FollowupApp(vault=str(tmp_path / "followup"), now=fixed_now, cursor_blink=False)

    async def type_passphrase(pilot: Pilot) -> None:
        field = pilot.app.screen.query_one("#passphrase")
        field.value = "correct horse"
        await pilot.pause()

    assert snap_compare(app, run_before=type_passphrase, terminal_size=SIZE)


@pytest.mark.parametrize("theme", THEMES)
def test_unlock(snap_compare, laptop, monkeypatch: pytest.MonkeyPatch, theme: str) -> None:
    monkeypatch.delenv("FOLLOWUP_PASSWORD_FILE")
    config = Config.load()
    config.theme = theme
    config.save()
    app = FollowupApp(now=fixed_now, cursor_blink=False)
    assert snap_compare(app, terminal_size=SIZE)


def test_unlock_after_a_wrong_passphrase(
    snap_compare, laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FOLLOWUP_PASSWORD_FILE")
    app = FollowupApp(now=fixed_now, cursor_blink=False)

    async def wrong_passphrase(pilot: Pilot) -> None:
        pilot.app.screen.query_one("#passphrase").value = PASSPHRASE + " (typo)"
        await pilot.press("enter")
        error = pilot.app.screen.query_one("#unlock-error")
        await until(pilot, "the unlock error", lambda: error.display)
        await pilot.pause()

    assert snap_compare(app, run_before=wrong_passphrase, terminal_size=SIZE)
