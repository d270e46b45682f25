"""The card form reads people and emails with the one vocabulary of store/cards, refuses an
email that is not one, and after an error puts the focus on the bad field (issue 11, item 13)."""

from __future__ import annotations

from typing import Any

from conftest import make_app, shown, until
from textual.widgets import Input, TextArea

from tui.app import FollowupApp
from tui.board.screen import BoardScreen


async def open_form(laptop: Any) -> tuple[FollowupApp, str]:
    session = laptop.session()
    card_id = session.change(lambda board: board.add({"company": "Wayne Enterprises"}))
    return make_app(session), card_id


async def test_an_interviewer_typed_with_a_bare_email_keeps_the_email_out_of_the_name(
    laptop,
) -> None:
    app, card_id = await open_form(laptop)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        app.screen.query_one("#field-interviewers", TextArea).load_text(
            "Lucius Fox CTO lucius@wayne.com"
        )
        await pilot.press("ctrl+s")
        await until(pilot, "the board", lambda: isinstance(app.screen, BoardScreen))
    (person,) = shown(laptop, card_id)["interviewers"]
    assert person["email"] == "lucius@wayne.com"
    assert "@" not in person["name"] and person["name"].startswith("Lucius Fox")


async def test_an_email_that_is_not_one_is_refused_and_the_focus_goes_to_it(laptop) -> None:
    app, card_id = await open_form(laptop)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        screen = app.screen
        screen.query_one("#field-contact_email", Input).value = "not-an-email"
        role = screen.query_one("#field-role", Input)
        role.focus()
        role.value = "Applied scientist"  # the last field typed in is another one
        await pilot.press("ctrl+s")
        assert app.screen is screen  # not saved
        assert screen.query_one("#field-contact_email", Input).has_focus
        error = str(screen.query_one("#error-contact_email").render())
        assert "not-an-email" in error and "not an email address" in error
        assert role.value == "Applied scientist"  # nothing typed is lost
    assert shown(laptop, card_id)["contact_email"] == ""
    assert shown(laptop, card_id)["role"] == ""


async def test_a_bad_interviewer_line_gets_the_focus_on_that_very_line(laptop) -> None:
    app, card_id = await open_form(laptop)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("e")
        area = app.screen.query_one("#field-interviewers", TextArea)
        area.load_text("Lucius Fox, CTO <lucius@wayne.com>\nBruce Wayne <bruce@wayne>\n")
        app.screen.query_one("#field-role", Input).focus()
        await pilot.press("ctrl+s")
        assert area.has_focus
        assert area.selection.start[0] == 1 and area.selected_text.startswith("Bruce Wayne")
        assert "bruce@wayne" in str(app.screen.query_one("#error-interviewers").render())
    assert shown(laptop, card_id)["interviewers"] == []


def test_the_cli_refuses_the_same_email(laptop) -> None:
    result = laptop.cli("add", "--company", "Acme", "--contact-email", "not-an-email")
    assert result.code == 1 and result.out == ""
    assert "not an email address" in result.err and result.err.count("\n") == 1
    bad = laptop.cli("add", "--company", "Acme", "--interviewer", "Ann <ann@acme>")
    assert bad.code == 1 and "not an email address" in bad.err
