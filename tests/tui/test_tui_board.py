"""The board's keys, driven with Textual's Pilot against a real vault in a temp folder.

Every binding of the board is pressed here and its effect checked where it matters: on disk,
read back through the CLI (`show --json`) as another process would see it.
"""

from __future__ import annotations

import pytest
from conftest import SAMPLE, SIZE, board_screen, make_app, palette_highlights, shown, until

from store.cards.model import STAGES
from store.config import Config
from tui.board.screen import BOARD_BINDINGS, BoardScreen

# --- what the board shows ---------------------------------------------------------------------


async def test_board_shows_five_columns_with_their_counts(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE):
        screen = board_screen(app)
        counts = {stage: len(screen.column(stage).ids) for stage in STAGES}
        assert counts == {
            "interviewed": 2,
            "thanked": 1,
            "waiting": 2,
            "followed-up": 1,
            "closed": 1,
        }
        title = screen.query_one("#title-waiting").render()
        assert "Waiting" in str(title) and "2" in str(title)


async def test_columns_render_lines_not_one_widget_per_card(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE):
        screen = board_screen(app)
        for stage in STAGES:
            assert not screen.column(stage).children


# --- moving the focus -------------------------------------------------------------------------


async def test_arrows_and_hjkl_move_the_focus_between_cards_and_columns(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = board_screen(app)
        assert screen.focused_card.company == "Globex"  # longest waiting first
        await pilot.press("j")
        assert screen.focused_card.company == "Acme"
        await pilot.press("k")
        assert screen.focused_card.company == "Globex"
        await pilot.press("down")
        await pilot.press("up")
        assert screen.focused_card.company == "Globex"
        await pilot.press("l")
        assert screen.focused_card.company == "Initech"
        await pilot.press("right")
        assert screen.focused_card.stage == "waiting"
        await pilot.press("h")
        assert screen.focused_card.company == "Initech"
        await pilot.press("left")
        assert screen.focused_card.stage == "interviewed"
        await pilot.press("left")  # the edge: nothing further left
        assert screen.column_index == 0


async def test_clicking_a_card_focuses_it(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = board_screen(app)
        column = screen.column("waiting")
        await pilot.click(column, offset=(5, 5))  # the second card (4 lines per card)
        assert screen.column_index == STAGES.index("waiting")
        assert screen.focused_card.company == "Umbrella"


async def test_double_click_opens_the_card(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = board_screen(app)
        await pilot.click(screen.column("thanked"), offset=(5, 1), times=2)
        await pilot.pause()
        assert app.screen.id == "detail"


# --- moving cards -----------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["shift+right", "greater_than_sign"])
async def test_next_stage_key_moves_the_card_and_writes_it_at_once(board, key) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(key)
        screen = board_screen(app)
        assert screen.focused_card.company == "Globex"  # the focus follows the card
        assert screen.focused_card.stage == "thanked"
        assert shown(laptop, ids["Globex"])["stage"] == "thanked"  # on disk before quitting


@pytest.mark.parametrize("key", ["shift+left", "less_than_sign"])
async def test_previous_stage_key_moves_the_card_back(board, key) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", key)
        assert shown(laptop, ids["Initech"])["stage"] == "interviewed"
        assert board_screen(app).focused_card.company == "Initech"


async def test_number_keys_move_the_card_to_that_stage(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("4")
        assert shown(laptop, ids["Globex"])["stage"] == "followed-up"
        await pilot.press("2")
        assert shown(laptop, ids["Globex"])["stage"] == "thanked"
        await pilot.press("3")
        assert shown(laptop, ids["Globex"])["stage"] == "waiting"
        await pilot.press("1")
        assert shown(laptop, ids["Globex"])["stage"] == "interviewed"


async def test_closing_a_card_asks_for_the_outcome(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        assert app.screen.id == "close-outcome"
        await pilot.press("down", "enter")  # the second choice: rejected
        assert app.screen.id == "rejected"  # the reply and a learned note are offered
        await pilot.press("escape")
        assert app.screen.id == "board"
        card = shown(laptop, ids["Globex"])
        assert (card["stage"], card["outcome"]) == ("closed", "rejected")


async def test_closing_by_number_picks_the_outcome(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("l", "l", "l", "shift+right")  # followed-up → closed
        assert app.screen.id == "close-outcome"
        await pilot.press("1")
        card = shown(laptop, ids["Stark Industries"])
        assert (card["stage"], card["outcome"]) == ("closed", "offer")


async def test_backing_out_of_the_outcome_leaves_the_card_where_it_was(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5", "escape")
        assert app.screen.id == "board"
        assert shown(laptop, ids["Globex"])["stage"] == "interviewed"
        assert board_screen(app).focused_card.company == "Globex"


# --- delete and undo --------------------------------------------------------------------------


async def test_delete_moves_the_card_to_the_trash_and_undo_restores_it(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d")
        screen = board_screen(app)
        assert shown(laptop, ids["Globex"])["deleted"] is True
        assert ids["Globex"] not in screen.column("interviewed").ids
        assert screen.focused_card.company == "Acme"
        await pilot.press("u")
        assert shown(laptop, ids["Globex"])["deleted"] is False
        assert screen.focused_card.company == "Globex"


async def test_undo_takes_back_a_move(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(">", ">")
        assert shown(laptop, ids["Globex"])["stage"] == "waiting"
        await pilot.press("u")
        assert shown(laptop, ids["Globex"])["stage"] == "thanked"
        await pilot.press("u")
        assert shown(laptop, ids["Globex"])["stage"] == "interviewed"
        await pilot.press("u")  # nothing left to undo: no change, no crash
        assert shown(laptop, ids["Globex"])["stage"] == "interviewed"


async def test_undo_of_a_close_restores_the_open_stage_without_outcome(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5", "2", "escape")  # escape skips the reply/learned offer
        assert shown(laptop, ids["Globex"])["outcome"] == "rejected"
        await pilot.press("u")
        card = shown(laptop, ids["Globex"])
        assert (card["stage"], card["outcome"]) == ("interviewed", None)


# --- filter -----------------------------------------------------------------------------------


async def test_filter_matches_company_role_people_and_tags(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        screen = board_screen(app)

        async def visible(query: str) -> set[str]:
            await pilot.press("slash")
            field = screen.query_one("#filter")
            field.value = query
            await pilot.press("enter")
            cards = {
                session.board.card(i).company for stage in STAGES for i in screen.column(stage).ids
            }
            return cards

        assert await visible("acme") == {"Acme"}  # company
        assert await visible("data eng") == {"Globex"}  # role, words in any order
        assert await visible("lumbergh") == {"Initech"}  # people
        assert await visible("hybrid") == {"Globex"}  # tags
        assert await visible("nothing like this") == set()
        await pilot.press("escape")
        assert sum(len(screen.column(s).ids) for s in STAGES) == len(SAMPLE)


async def test_typing_in_the_filter_does_not_trigger_board_keys(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "d", "q", "5")
        assert app.screen.id == "board"
        assert board_screen(app).query_one("#filter").value == "dq5"
        assert shown(laptop, ids["Globex"])["deleted"] is False


async def test_escape_in_the_filter_clears_it(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", "a", "c", "m", "e")
        screen = board_screen(app)
        assert screen.lists.query == "acme"
        await pilot.press("escape")
        assert screen.lists.query == ""
        assert not screen.query_one("#filter").display


# --- screens opened from the board ------------------------------------------------------------


async def test_enter_opens_the_card_detail_and_escape_returns(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("j", "enter")
        assert app.screen.id == "detail"
        assert app.screen.card.company == "Acme"
        await pilot.press("escape")
        assert app.screen.id == "board"


async def test_help_lists_every_board_binding(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert app.screen.id == "help"
        listed = "\n".join(f"{keys} {what} {id_}" for keys, what, id_ in app.screen.rows)
        for binding in BOARD_BINDINGS:
            assert binding.description in listed, binding.description
            assert binding.id in listed, binding.id
        assert "shift+→" in listed and ">" in listed
        await pilot.press("escape")
        assert app.screen.id == "board"


async def test_q_quits(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_every_binding_has_an_id_and_a_description() -> None:
    ids = [b.id for b in BOARD_BINDINGS]
    assert all(ids) and len(set(ids)) == len(ids)
    assert all(b.description for b in BOARD_BINDINGS)


async def test_keymap_from_config_remaps_a_binding_by_id(board) -> None:
    laptop, session, ids = board
    session.config.keymap = {"move-next": "m"}
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        assert shown(laptop, ids["Globex"])["stage"] == "thanked"


async def test_command_palette_runs_a_board_action(board) -> None:
    laptop, session, ids = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"next stage")
        await until(
            pilot, "the palette on Next stage", lambda: palette_highlights(app, "Next stage")
        )
        await pilot.press("enter")
        await until(
            pilot, "Globex in Thanked", lambda: session.board.card(ids["Globex"]).stage == "thanked"
        )
        assert shown(laptop, ids["Globex"])["stage"] == "thanked"


async def test_a_failed_write_is_a_notification_not_a_crash(board) -> None:
    laptop, session, ids = board
    session.own_problem = "damaged"  # what Session sets when our replica cannot be read
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(">")
        assert app.screen.id == "board"
        assert any("cannot be opened" in n.message for n in app._notifications)
    assert shown(laptop, ids["Globex"])["stage"] == "interviewed"


# --- themes -----------------------------------------------------------------------------------


async def test_a_theme_picked_is_remembered_for_this_device(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "paper"
        await pilot.pause()
    assert Config.load().theme == "paper"
    app = make_app(session)
    async with app.run_test(size=SIZE):
        assert app.theme == "paper"


async def test_the_default_theme_is_not_written_before_the_user_picks_one(board) -> None:
    _, session, _ = board
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
    assert Config.load().theme is None


async def test_a_bad_theme_file_is_a_notification_and_the_board_still_opens(board) -> None:
    _, session, _ = board
    themes = session.config.dir / "themes"
    themes.mkdir(parents=True)
    (themes / "broken.yaml").write_text("name: broken\nprimary: [not, a, colour\n")
    app = make_app(session)
    async with app.run_test(size=SIZE):
        assert isinstance(app.screen, BoardScreen)
        messages = [n.message for n in app._notifications]
        assert any("broken.yaml" in m for m in messages), messages
