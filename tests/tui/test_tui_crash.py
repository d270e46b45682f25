"""An error nothing caught inside the running app: logged in full, one line to the user.

The app is the real one on a real vault; the only thing added is a key whose action raises,
standing for any bug. The crash log is the file the CLI writes too (`tui.crash.log_crash`).
The same in a real terminal is tests/e2e/test_tui_crash_terminal.py.
"""

from __future__ import annotations

import stat
from pathlib import Path
from typing import ClassVar

import pytest
from conftest import SIZE, add_sample_cards, fixed_now, shown
from textual.binding import Binding, BindingType

import tui.app
from store.config import config_dir
from tui.app import FollowupApp


class BrokenApp(FollowupApp):
    """The real app, plus F9: an action with a bug in it."""

    CSS_PATH = str(Path(tui.app.__file__).with_name("app.tcss"))

    BINDINGS: ClassVar[list[BindingType]] = [Binding("f9", "break_down", "Break")]

    def action_break_down(self) -> None:
        raise RuntimeError("the card Acme fell over")


async def test_an_uncaught_error_is_logged_and_no_traceback_is_printed(
    laptop, capsys: pytest.CaptureFixture[str]
) -> None:
    session = laptop.session()
    add_sample_cards(session)
    app = BrokenApp(session=session, now=fixed_now, cursor_blink=False)
    with pytest.raises(RuntimeError, match="fell over"):  # run_test hands it to the test
        async with app.run_test(size=SIZE) as pilot:
            moved = app.screen.focused_card.id  # type: ignore[attr-defined]
            await pilot.press("shift+right")  # a change made before the crash
            await pilot.pause()
            await pilot.press("f9")
            await pilot.pause()
    assert app.crash is not None and app.return_code != 0
    assert app.crash.log == str(config_dir() / "crash.log")
    log = Path(app.crash.log).read_text()
    assert "Traceback (most recent call last)" in log
    assert "in action_break_down" in log and "RuntimeError: the card Acme fell over" in log
    assert stat.S_IMODE(Path(app.crash.log).stat().st_mode) == 0o600
    err = capsys.readouterr().err
    assert "Traceback" not in err and "fell over" not in err
    assert shown(laptop, moved)["stage"] == "thanked"  # written when it was made
