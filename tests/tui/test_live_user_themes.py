"""The user's theme files are read again the moment they change, with the board open: an edit
repaints, a broken edit keeps the last good version, a removed file falls back without
forgetting the choice (issue 11, item 14). Real files, real watchfiles."""

from __future__ import annotations

from pathlib import Path

from conftest import make_app, until
from textual.color import Color

from store.config import Config
from tui.app import FollowupApp

HARBOUR = """\
name: harbour
dark: true
primary: "{primary}"
background: "#10202c"
"""


def messages(app: FollowupApp) -> str:
    return " ".join(f"{n.title}: {n.message}" for n in app._notifications)


async def test_a_theme_file_edited_while_the_board_is_open_repaints_it(laptop) -> None:
    config = Config.load()
    folder = config.dir / "themes"
    folder.mkdir()
    theme_file = folder / "harbour.yaml"
    theme_file.write_text(HARBOUR.format(primary="#4a90c2"))
    config.theme = "harbour"
    config.save()
    session = laptop.session()
    app = make_app(session)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.theme == "harbour"
        assert app.current_theme.primary == "#4a90c2"
        await until(pilot, "the watcher", lambda: any(w.group == "themes" for w in app.workers))
        await pilot.pause(0.5)  # (its OS watch in place)
        theme_file.write_text(HARBOUR.format(primary="#c24a4a"))
        await until(pilot, "the new colour", lambda: app.current_theme.primary == "#c24a4a")
        painted = Color.parse(app.get_css_variables()["primary"])  # what the stylesheet uses
        assert max(abs(a - b) for a, b in zip(painted.rgb, (0xC2, 0x4A, 0x4A), strict=True)) <= 2

        theme_file.write_text("name: harbour\nprimary: [not, a colour\n")  # broken mid-edit
        await until(pilot, "the problem said", lambda: "Theme not loaded" in messages(app))
        assert app.current_theme.primary == "#c24a4a"  # the last good version stays

        theme_file.unlink()
        await until(pilot, "the fallback", lambda: app.theme != "harbour")
        assert "harbour" not in app.available_themes
        assert Config.load().theme == "harbour"  # the choice is kept for when it comes back

        theme_file.write_text(HARBOUR.format(primary="#4ac24a"))
        await until(pilot, "the theme back", lambda: app.theme == "harbour")
        assert app.current_theme.primary == "#4ac24a"


async def test_a_themes_folder_made_while_the_board_is_open_is_watched_too(laptop) -> None:
    session = laptop.session()
    app = make_app(session)
    folder: Path = Config.load().dir / "themes"
    assert not folder.exists()
    async with app.run_test(size=(100, 30)) as pilot:
        await until(pilot, "the watcher", lambda: any(w.group == "themes" for w in app.workers))
        await pilot.pause(0.5)
        folder.mkdir()
        await pilot.pause(0.5)
        (folder / "harbour.yaml").write_text(HARBOUR.format(primary="#4a90c2"))
        await until(pilot, "the new theme", lambda: "harbour" in app.available_themes)
