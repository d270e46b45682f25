"""Days written in the user's language (issue 11, item 18): `locale` in config.yaml, else the
environment's; Babel for any language but English, loaded only then; a locale nobody knows
writes English and says so once."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta

import pytest
import yaml
from conftest import Laptop

from store.config import Config
from store.errors import FollowupError
from store.language import chosen_locale, day_text, environment_locale, short_day
from tui.app import FollowupApp
from tui.board.screen import BoardScreen
from tui.board.stage_column import CARD_HEIGHT


def set_config(laptop: Laptop, **values: str) -> None:
    path = laptop.config_dir / "config.yaml"
    data = yaml.safe_load(path.read_text())
    data.update(values)
    path.write_text(yaml.safe_dump(data))


def test_a_german_letter_says_donnerstag_1_oktober() -> None:
    assert day_text(date(2026, 10, 1), "de_DE") == "Donnerstag, 1. Oktober"
    assert day_text(date(2026, 10, 1), "fr_FR.UTF-8") == "jeudi 1 octobre"
    assert day_text(date(2026, 10, 1), None) == "Thursday 1 October"
    assert day_text(date(2026, 10, 1), "en_US") == "Thursday 1 October"
    assert short_day(date(2026, 10, 1), "de") == "1. Okt."
    assert short_day(date(2025, 10, 1), "en", today=date(2026, 3, 1)) == "Oct 2025"


def test_the_locale_comes_from_config_else_the_environment() -> None:
    assert environment_locale({"LANG": "de_DE.UTF-8"}) == "de_DE.UTF-8"
    assert environment_locale({"LC_ALL": "fr_FR.UTF-8", "LANG": "de_DE.UTF-8"}) == "fr_FR.UTF-8"
    assert environment_locale({"LC_TIME": "C.UTF-8", "LANG": "de_DE.UTF-8"}) is None
    assert environment_locale({}) is None
    assert chosen_locale("nl_NL", {"LANG": "de_DE.UTF-8"}) == "nl_NL"


def test_compose_writes_the_interview_day_in_the_configured_language(laptop: Laptop) -> None:
    set_config(laptop, locale="de_DE")
    card_id = laptop.cli(
        "add", "--company", "Acme", "--role", "SRE", "--interviewed-at", "2026-10-01 14:00"
    ).out.strip()
    letter = laptop.cli("compose", card_id, "thank-you")
    assert letter.code == 0, letter.err
    assert "on Donnerstag, 1. Oktober about" in letter.out  # the template stays the user's


def test_a_locale_nobody_knows_writes_english_with_one_warning(laptop: Laptop) -> None:
    set_config(laptop, locale="xx_YY")
    card_id = laptop.cli(
        "add", "--company", "Acme", "--interviewed-at", "2026-10-01 14:00"
    ).out.strip()
    letter = laptop.cli("compose", card_id, "thank-you")
    assert letter.code == 0
    assert "Thursday 1 October" in letter.out
    warnings = [line for line in letter.err.splitlines() if "locale" in line]
    assert len(warnings) == 1 and "'xx_YY'" in warnings[0]


def test_a_locale_that_is_not_a_name_is_a_clear_config_error(laptop: Laptop) -> None:
    set_config(laptop, locale="../../etc")
    with (
        laptop.active(),
        pytest.raises(FollowupError, match=re.escape("locale '../../etc' is not")),
    ):
        Config.load()


async def test_the_board_writes_a_closed_cards_day_in_german(laptop: Laptop) -> None:
    set_config(laptop, locale="de_DE")
    now = datetime(2026, 10, 20, 12, 0, tzinfo=UTC)
    session = laptop.session()

    def story(board) -> str:
        card_id = board.add({"company": "Hooli", "interviewed_at": now - timedelta(days=30)})
        board.move(card_id, "closed", outcome="withdrew", at=datetime(2026, 10, 1, 9, tzinfo=UTC))
        return card_id

    card_id = session.change(story)
    app = FollowupApp(session=session, now=lambda: now, cursor_blink=False)
    async with app.run_test(size=(200, 50)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BoardScreen)
        column = screen.column("closed")
        title = column.render_line(column.ids.index(card_id) * CARD_HEIGHT).text.strip()
        assert title.endswith("1. Okt."), title


def test_babel_is_not_loaded_at_start_up_for_english() -> None:
    """The board's start-up path (the app and its screens) imports no Babel: only a
    non-English locale loads it, the first time a day is written."""
    code = (
        "import sys; import tui.app, tui.board.screen, tui.cli.context, store.notes.templates; "
        "print('babel' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr
