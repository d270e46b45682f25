"""The app's flows with Pilot on real vaults: first run, unlock, new card, edit, detail,
conflicts, and the board changing underneath (a merge from another laptop).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from conftest import (
    PASSPHRASE,
    SIZE,
    add_sample_cards,
    fixed_now,
    make_app,
    shown,
    until,
    wait_for_screen,
    wait_for_text,
)

from store.config import Config
from tui.app import FollowupApp
from tui.board.screen import BoardScreen
from tui.opening.first_run import passphrase_strength, sync_folder_choices

# --- helpers ----------------------------------------------------------------------------------


async def type_into(pilot: Any, selector: str, text: str) -> None:
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    widget.value = text
    await pilot.pause()


# --- first run --------------------------------------------------------------------------------


async def test_first_run_creates_a_vault_and_opens_the_board(fresh_device: Path) -> None:
    folder = fresh_device / "Sync" / "followup"
    app = FollowupApp(now=fixed_now, cursor_blink=False, home=fresh_device)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.id == "first-run"
        await type_into(pilot, "#folder", str(folder))
        await type_into(pilot, "#passphrase", PASSPHRASE)
        await type_into(pilot, "#confirm", PASSPHRASE)
        await type_into(pilot, "#device-name", "work laptop")
        await pilot.click("#go")
        await wait_for_screen(pilot, "board")
    assert (folder / "vault.json").exists()
    config = Config.load()
    assert config.vault == str(folder) and config.device_name == "work laptop"
    assert list((folder / "replicas").glob("*.json"))  # this device's replica is written


async def test_first_run_refuses_two_different_passphrases(fresh_device: Path) -> None:
    folder = fresh_device / "vault"
    app = FollowupApp(vault=str(folder), now=fixed_now, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "#passphrase", PASSPHRASE)
        await type_into(pilot, "#confirm", PASSPHRASE + "!")
        await pilot.click("#go")
        await wait_for_text(pilot, "#setup-error", "differ")
        assert app.screen.id == "first-run"
        assert app.screen.query_one("#passphrase").value == PASSPHRASE  # nothing typed is lost
    assert not (folder / "vault.json").exists()


async def test_first_run_on_a_synced_folder_opens_the_other_laptops_vault(
    laptop, fresh_device: Path
) -> None:
    laptop.cli("add", "--company", "Acme", "--role", "SRE")
    app = FollowupApp(vault=str(laptop.vault), now=fixed_now, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.id == "first-run"
        assert not app.screen.query_one("#confirm-row").display  # opening, not creating
        assert "Open vault" in str(app.screen.query_one("#go").label)
        await type_into(pilot, "#passphrase", "not the passphrase")
        await type_into(pilot, "#device-name", "home laptop")
        await pilot.click("#go")
        await wait_for_text(pilot, "#setup-error", "Wrong passphrase")
        await type_into(pilot, "#passphrase", PASSPHRASE)
        await pilot.click("#go")
        await wait_for_screen(pilot, "board")
        board = app.screen
        assert isinstance(board, BoardScreen)
        # the columns fill just after the screen mounts
        await until(pilot, "a focused card", lambda: board.focused_card is not None)
        assert board.focused_card is not None and board.focused_card.company == "Acme"
    assert Config.load().device_name == "home laptop"


async def test_first_run_offers_dropbox_and_syncthing_folders(fresh_device: Path) -> None:
    (fresh_device / "Dropbox").mkdir()
    app = FollowupApp(now=fixed_now, cursor_blink=False, home=fresh_device)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.click("#choice-0")
        assert app.screen.query_one("#folder").value == "~/Dropbox/followup"
        assert app.screen.chosen_folder == fresh_device / "Dropbox" / "followup"
    assert sync_folder_choices(fresh_device) == [fresh_device / "Dropbox" / "followup"]


def test_passphrase_strength_calls_short_ones_weak_and_word_lists_strong() -> None:
    assert passphrase_strength("hunter2")[0] == "weak"
    assert passphrase_strength("Tr0ub4dor&3x")[0] == "fair"
    assert passphrase_strength("correct horse battery")[0] == "weak"
    assert passphrase_strength(PASSPHRASE)[0] == "strong"
    assert passphrase_strength("aK9$kd02mZ!pQ7xv&3Lw")[0] == "strong"
    assert passphrase_strength("") == ("", "")


# --- unlock -----------------------------------------------------------------------------------


@pytest.fixture
def locked(laptop, monkeypatch: pytest.MonkeyPatch):
    """A configured laptop whose passphrase is not in the environment: the unlock screen."""
    add_sample_cards(laptop.session())
    monkeypatch.delenv("FOLLOWUP_PASSWORD_FILE", raising=False)
    return laptop


async def test_unlock_says_a_wrong_passphrase_is_wrong_and_lets_the_user_retry(locked) -> None:
    app = FollowupApp(now=fixed_now, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.id == "unlock"
        await type_into(pilot, "#passphrase", "guess")
        await pilot.press("enter")
        await wait_for_text(pilot, "#unlock-error", "Wrong passphrase")
        assert app.screen.query_one("#passphrase").value == ""
        await type_into(pilot, "#passphrase", PASSPHRASE)
        await pilot.press("enter")
        await wait_for_screen(pilot, "board")
        assert len(app.context.session.board.cards) == 7


async def test_unlock_is_skipped_when_the_environment_gives_the_passphrase(laptop) -> None:
    add_sample_cards(laptop.session())
    app = FollowupApp(now=fixed_now, cursor_blink=False)  # FOLLOWUP_PASSWORD_FILE is set
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, "board")


async def test_an_unreadable_password_file_is_shown_on_the_unlock_screen(
    laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FOLLOWUP_PASSWORD_FILE", str(laptop.config_dir / "missing"))
    app = FollowupApp(now=fixed_now, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        assert app.screen.id == "unlock"
        await wait_for_text(pilot, "#unlock-error", "cannot read it")


# --- new card and edit ------------------------------------------------------------------------


async def test_new_card_form_writes_every_field(board) -> None:
    laptop, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("n")
        assert app.screen.id == "edit"
        await type_into(pilot, "#field-company", "Initrode")
        await type_into(pilot, "#field-role", "Platform engineer")
        await type_into(pilot, "#field-interviewed_at", "2026-03-11 15:30")
        await type_into(pilot, "#field-promised_by", "2026-03-20")
        app.screen.query_one(
            "#field-interviewers"
        ).text = "Peter Gibbons, Lead <peter@initrode.example>\nJoanna"
        app.screen.query_one("#field-key_points").text = "TPS reports\nFlair"
        await type_into(pilot, "#field-tags", "onsite, python")
        await pilot.press("ctrl+s")
        assert app.screen.id == "board"
        card = app.screen.focused_card
        assert card.company == "Initrode"
    saved = shown(laptop, card.id)
    assert saved["role"] == "Platform engineer"
    assert saved["stage"] == "interviewed"
    assert saved["promised_by"] == "2026-03-20"
    assert saved["interviewers"][0] == {
        "name": "Peter Gibbons",
        "title": "Lead",
        "email": "peter@initrode.example",
    }
    assert saved["interviewers"][1]["name"] == "Joanna"
    assert saved["key_points"] == ["TPS reports", "Flair"]
    assert saved["tags"] == ["onsite", "python"]


async def test_new_card_lands_in_the_focused_column(board) -> None:
    laptop, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "n")
        await type_into(pilot, "#field-company", "Vandelay")
        await pilot.press("ctrl+s")
        card = app.screen.focused_card
    assert shown(laptop, card.id)["stage"] == "waiting"


async def test_a_bad_date_is_a_one_line_error_and_nothing_typed_is_lost(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "e")  # Acme
        assert app.screen.id == "edit"
        await type_into(pilot, "#field-role", "Principal engineer")
        await type_into(pilot, "#field-interviewed_at", "last tuesday-ish")
        await pilot.press("ctrl+s")
        assert app.screen.id == "edit"
        error = str(app.screen.query_one("#error-interviewed_at").render())  # under the field
        assert "Interviewed" in error and "last tuesday-ish" in error and "\n" not in error
        assert app.screen.query_one("#field-role").value == "Principal engineer"
        assert shown(laptop, ids["Acme"])["role"] == "Backend developer"  # nothing half-saved
        await type_into(pilot, "#field-interviewed_at", "2026-03-10 09:00")
        await pilot.press("ctrl+s")
        assert app.screen.id == "board"
    assert shown(laptop, ids["Acme"])["role"] == "Principal engineer"


async def test_a_card_needs_a_company(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await type_into(pilot, "#field-company", "  ")
        await pilot.press("ctrl+s")
        assert "company" in str(app.screen.query_one("#error-company").render()).lower()
    assert shown(laptop, ids["Globex"])["company"] == "Globex"


async def test_leaving_a_changed_form_asks_before_discarding(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await type_into(pilot, "#field-role", "Something else")
        app.screen.set_focus(None)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query("DiscardScreen") or type(app.screen).__name__ == "DiscardScreen"
        await pilot.press("n")
        assert app.screen.id == "edit"
        assert app.screen.query_one("#field-role").value == "Something else"
        await pilot.press("escape", "y")
        assert app.screen.id == "board"
    assert shown(laptop, ids["Globex"])["role"] == "Data engineer"


async def test_leaving_an_unchanged_form_does_not_ask(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        app.screen.set_focus(None)
        await pilot.press("escape")
        assert app.screen.id == "board"


async def test_an_edit_writes_only_the_fields_changed_so_another_laptops_edit_survives(
    make_laptop,
) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    with a.active():
        session = a.session()
        ids = add_sample_cards(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "e")  # Acme, the form is open
        await type_into(pilot, "#field-role", "Principal engineer")
        assert b.cli("edit", ids["Acme"], "--notes", "From the other laptop").code == 0
        with a.active():
            changed = session.reload()  # the sync layer does this when b's replica lands
        app.board_changed(changed)
        await pilot.pause()
        assert app.screen.id == "edit"  # the open edit is not disturbed
        assert app.screen.query_one("#field-role").value == "Principal engineer"
        await pilot.press("ctrl+s")
    with a.active():
        saved = shown(a, ids["Acme"])
    assert saved["role"] == "Principal engineer"
    assert saved["notes"] == "From the other laptop"
    assert not saved["conflicts"]


# --- detail and conflicts ---------------------------------------------------------------------


async def test_detail_shows_every_field_and_the_timeline(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "enter")
        text = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        for expected in (
            "Acme — Backend developer",
            "Ann Lee, CTO <ann@acme.io>",
            "Their move to event sourcing",
            "How would you shard the orders table?",
            "https://acme.example/jobs/42",
            "jobs@acme.example",
            "remote, python",
            "Ann liked the migration story.",
            "second",
            "created in interviewed",
        ):
            assert expected in text, expected


async def test_e_in_the_detail_edits_and_the_detail_shows_the_change(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter", "e")
        assert app.screen.id == "edit"
        await type_into(pilot, "#field-round", "final")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen.id == "detail"
        text = "\n".join(str(w.render()) for w in app.screen.query("Static"))
        assert "final" in text
    assert shown(laptop, ids["Globex"])["round"] == "final"


async def test_a_conflict_is_resolved_by_keeping_one_version(make_laptop) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    with a.active():
        session = a.session()
        ids = add_sample_cards(session)
    card_id = ids["Globex"]
    with b.active():
        b.cli("list")  # b joins and sees the cards
    # Concurrent edits: neither laptop has seen the other's.
    assert b.cli("edit", card_id, "--notes", "notes from b").code == 0
    with a.active():
        session.change(lambda board: board.edit(card_id, {"notes": "notes from a"}))
        session.reload()
        assert session.board.card(card_id).conflicts
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert app.screen.query(".conflict")
        versions = [str(w.render()) for w in app.screen.query(".version-text")]
        pick = next(i for i, v in enumerate(versions) if "notes from b" in v)
        await pilot.click(f"#keep-notes-{pick}")
        await pilot.pause()
        assert not app.screen.query(".conflict")
    with a.active():
        saved = shown(a, card_id)
    assert saved["notes"] == "notes from b" and not saved["conflicts"]


# --- the board changing underneath ------------------------------------------------------------


async def test_a_merge_from_another_laptop_repaints_and_keeps_the_focus(make_laptop) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    with a.active():
        session = a.session()
        ids = add_sample_cards(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j")
        screen = app.screen
        assert screen.focused_card.company == "Acme"
        # b adds an older interview (sorts above Acme) and moves Globex on.
        assert b.cli("add", "--company", "Zeta", "--interviewed-at", "2020-01-01").code == 0
        assert b.cli("move", ids["Globex"], "thanked").code == 0
        with a.active():
            changed = session.reload()
        app.board_changed(changed)
        await pilot.pause()
        assert screen.focused_card.company == "Acme"
        companies = [session.board.card(i).company for i in screen.column("interviewed").ids]
        assert companies == ["Zeta", "Acme"]
        assert ids["Globex"] in screen.column("thanked").ids


async def test_the_focus_follows_a_card_another_laptop_moved(make_laptop) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    with a.active():
        session = a.session()
        ids = add_sample_cards(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        assert b.cli("move", ids["Globex"], "waiting").code == 0
        with a.active():
            app.board_changed(session.reload())
        await pilot.pause()
        assert app.screen.focused_card.company == "Globex"
        assert app.screen.focused_card.stage == "waiting"


async def test_an_open_detail_shows_a_merged_change(make_laptop) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    with a.active():
        session = a.session()
        ids = add_sample_cards(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        assert b.cli("edit", ids["Globex"], "--notes", "They called back!").code == 0
        with a.active():
            app.board_changed(session.reload())

        def text() -> str:
            return "\n".join(str(w.render()) for w in app.screen.query("Static"))

        await until(pilot, "the merged note", lambda: "They called back!" in text())
        assert "They called back!" in text()


# --- large boards -----------------------------------------------------------------------------


async def test_ten_thousand_cards_open_and_scroll_to_the_last_closed_card(laptop) -> None:
    session = laptop.session()

    def fill(board: Any) -> None:
        for n in range(10_000):
            stage = "closed" if n % 10 < 7 else ("interviewed", "thanked", "waiting")[n % 3]
            board.add({"company": f"Company {n:05d}", "role": "Engineer", "stage": stage})

    session.change(fill)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert len(screen.column("closed").ids) == 7000
        await pilot.press("l", "l", "l", "l", "end")
        column = screen.column("closed")
        assert column.cursor == 6999
        assert screen.focused_card.id == column.ids[-1]
        assert column.scroll_offset.y > 0
        await pilot.press("pageup", "home")
        assert column.cursor == 0 and column.scroll_offset.y == 0
        assert not column.children
