"""Themes: the built-ins are complete and readable, user files add or replace themes, and a bad
user file (however hostile) becomes one line naming the file, never an exception."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from conftest import PROJECT_DIR
from textual.app import App, ComposeResult
from textual.color import Color
from textual.theme import Theme
from textual.widgets import Label

from themes import (
    APP_VARIABLES,
    BUILTIN_NAMES,
    COLOUR_KEYS,
    DEFAULT_THEME,
    BoardTheme,
    builtin_themes,
    choose_theme,
    load_board_themes,
    load_themes,
    variable_defaults,
)

GOOD = """\
name: harbour
dark: true
primary: "#4a90c2"
background: "#10202c"
foreground: "#e6edf3"
variables:
  badge-due: "#ffcc66"
"""


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours."""

    def luminance(text: str) -> float:
        colour = Color.parse(text)

        def channel(value: int) -> float:
            v = value / 255
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(colour.r) + 0.7152 * channel(colour.g) + 0.0722 * channel(colour.b)

    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def same_colour(shown: Color, expected: str) -> bool:
    """Textual rounds a colour through its own maths: equal within one step per channel."""
    want = Color.parse(expected)
    return all(abs(a - b) <= 1 for a, b in zip(shown.rgb, want.rgb, strict=True))


def names(themes: list[Theme]) -> list[str]:
    return [theme.name for theme in themes]


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "config" / "themes"
    folder.mkdir(parents=True)
    return folder


# --- the built-ins ----------------------------------------------------------------------------


def test_at_least_four_builtin_themes_load_without_errors_a_calm_dark_a_light_and_high_contrast(
    tmp_path: Path,
) -> None:
    themes, errors = load_themes(tmp_path / "no-such-folder")
    assert errors == []
    assert names(themes) == list(BUILTIN_NAMES)
    assert len(themes) >= 4
    assert DEFAULT_THEME in BUILTIN_NAMES
    assert any(not theme.dark for theme in themes), "a light theme ships"
    assert all(isinstance(theme, Theme) for theme in themes)


def test_every_builtin_theme_sets_every_colour_and_the_apps_variables() -> None:
    themes, errors = builtin_themes()
    assert errors == []
    for theme in themes:
        for key in COLOUR_KEYS:
            if key != "boost":  # Textual derives boost from the foreground
                assert getattr(theme, key), f"{theme.name} lacks {key}"
        assert set(APP_VARIABLES) <= set(theme.variables), theme.name


def test_builtin_text_colours_are_readable_on_every_background() -> None:
    """WCAG AA (4.5:1) for every text colour on background, surface and panel; AAA (7:1) for
    the high-contrast theme."""
    themes, _ = builtin_themes()
    for theme in themes:
        needed = 7.0 if theme.name == "contrast" else 4.5
        grounds = [theme.background, theme.surface, theme.panel]
        texts = {
            key: getattr(theme, key)
            for key in ("foreground", "primary", "secondary", "accent", "success", "warning")
        }
        texts["error"] = theme.error
        texts.update({name: theme.variables[name] for name in APP_VARIABLES})
        for key, text in texts.items():
            for ground in grounds:
                assert text and ground
                ratio = contrast(text, ground)
                assert ratio >= needed, f"{theme.name}: {key} {text} on {ground} is {ratio:.2f}:1"


def test_the_theme_model_covers_every_colour_of_a_textual_theme() -> None:
    ours = {f.name for f in fields(BoardTheme)}
    textual_colours = {f.name for f in fields(Theme)} - {"ansi"}
    assert textual_colours <= ours


class Swatch(App[None]):
    """A stand-in for the board's stylesheet: it uses the app's variables like the board does."""

    CSS = "#due { color: $badge-due; } #overdue { background: $badge-overdue 40%; }"

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return variable_defaults(self.current_theme)

    def compose(self) -> ComposeResult:
        yield Label("due", id="due")
        yield Label("overdue", id="overdue")


async def test_every_theme_applies_in_a_real_app_including_textuals_own_without_our_variables(
    user_dir: Path,
) -> None:
    (user_dir / "harbour.yaml").write_text(GOOD)
    themes, errors = load_themes(user_dir)
    assert errors == []
    app = Swatch()
    async with app.run_test() as pilot:
        for theme in themes:
            app.register_theme(theme)
        for name in [*names(themes), "textual-dark", "nord"]:
            app.theme = name
            await pilot.pause()
            theme = app.current_theme
            palette = theme.to_color_system().generate()
            expected = theme.variables.get("badge-due") or palette["warning"]
            assert same_colour(app.query_one("#due").styles.color, expected), name
        app.theme = "harbour"
        await pilot.pause()
        # harbour sets no badge-overdue: it falls back to the theme's own error colour.
        palette = app.current_theme.to_color_system().generate()
        overdue = app.query_one("#overdue").styles.background
        assert same_colour(overdue, palette["error"])


# --- user themes ------------------------------------------------------------------------------


def test_a_user_theme_is_added_after_the_builtins(user_dir: Path) -> None:
    (user_dir / "harbour.yaml").write_text(GOOD)
    themes, errors = load_themes(user_dir)
    assert errors == []
    assert names(themes) == [*BUILTIN_NAMES, "harbour"]
    harbour = themes[-1]
    assert harbour.primary == "#4a90c2"
    assert harbour.variables == {"badge-due": "#ffcc66"}


def test_a_user_theme_replaces_a_builtin_of_the_same_name_in_place(user_dir: Path) -> None:
    (user_dir / "my-paper.yml").write_text('name: paper\ndark: false\nprimary: "#884400"\n')
    themes, errors = load_themes(user_dir)
    assert errors == []
    assert names(themes) == list(BUILTIN_NAMES)
    paper = themes[names(themes).index("paper")]
    assert paper.primary == "#884400"


def test_a_theme_without_a_name_is_named_after_its_file(user_dir: Path) -> None:
    (user_dir / "sunrise.yaml").write_text('primary: "#ff8800"\n')
    themes, errors = load_board_themes(user_dir)
    assert errors == []
    assert themes[-1].name == "sunrise"
    assert themes[-1].source == str(user_dir / "sunrise.yaml")


def test_two_user_files_with_one_theme_name_keep_the_first_and_say_so(user_dir: Path) -> None:
    (user_dir / "a.yaml").write_text('name: twin\nprimary: "#111111"\n')
    (user_dir / "b.yaml").write_text('name: twin\nprimary: "#222222"\n')
    themes, errors = load_themes(user_dir)
    assert names(themes).count("twin") == 1
    assert themes[-1].primary == "#111111"
    assert len(errors) == 1
    assert str(user_dir / "b.yaml") in errors[0]
    assert str(user_dir / "a.yaml") in errors[0]


def test_other_files_in_the_themes_folder_are_ignored(user_dir: Path) -> None:
    (user_dir / "notes.txt").write_text("not a theme")
    (user_dir / ".hidden.yaml").write_text("[")
    (user_dir / "folder.yaml").mkdir()
    os.mkfifo(user_dir / "pipe.yaml")  # opening it would block forever
    themes, errors = load_themes(user_dir)
    assert errors == []
    assert names(themes) == list(BUILTIN_NAMES)


def test_a_themes_path_that_is_a_file_is_reported_not_fatal(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "themes"
    not_a_folder.write_text("oops")
    themes, errors = load_themes(not_a_folder)
    assert names(themes) == list(BUILTIN_NAMES)
    assert len(errors) == 1
    assert str(not_a_folder) in errors[0]


def test_the_readmes_example_theme_loads(user_dir: Path) -> None:
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    example = readme.split("# ~/.config/followup-tui/themes/harbour.yaml\n", 1)[1]
    (user_dir / "harbour.yaml").write_text(example.split("```", 1)[0])
    themes, errors = load_themes(user_dir)
    assert errors == []
    assert themes[-1].name == "harbour"


# --- hostile and broken user files --------------------------------------------------------------

HOSTILE: dict[str, tuple[bytes, str]] = {
    # file content, a fragment the one-line error must contain
    "empty": (b"", "empty"),
    "only-a-comment": (b"# nothing here\n", "empty"),
    "a-list": (b"- primary\n- '#ffffff'\n", "mapping"),
    "a-string": (b"just words\n", "mapping"),
    "binary-junk": (bytes(range(256)) * 8, "UTF-8"),
    "nul-bytes": (b'primary: "#ffffff"\x00\x00\n', "binary"),
    "huge-file": (b"# " + b"x" * (200 * 1024) + b"\n", "KiB"),
    "huge-value": (b'primary: "' + b"f" * 50_000 + b'"\n', "too long"),
    "bad-yaml": (b'name: broken\nprimary: "#ffffff": extra\ndark: true\n', "line 2: not valid"),
    "unclosed-bracket": (b"name: broken\nvariables: [unclosed\n", "not valid YAML"),
    "tab-indent": (b"name: x\n\tprimary: red\n", "line 2"),
    "two-documents": (b'primary: "#fff"\n---\nprimary: "#000"\n', "YAML"),
    "python-tag": (b"primary: !!python/object/apply:os.system ['true']\n", "YAML"),
    "deep-nesting": (b"primary: " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested too deeply"),
    "nested-value": (b"primary: [[[]]]\n", "must be a colour"),
    "missing-primary": (b'background: "#000000"\n', "primary"),
    "invalid-colour": (b'primary: "#7aa2c8"\nsurface: "#zzzzzz"\n', "line 2: surface"),
    "colour-name-typo": (b"primary: bleu\n", "blue"),
    "unquoted-hash": (b"primary: #7aa2c8\n", "quote colours"),
    "colour-as-number": (b"primary: 123456\n", "not 123456"),
    "unknown-key": (b'primary: "#7aa2c8"\nbakground: "#000000"\n', "line 2: unknown key"),
    "dark-not-bool": (b'primary: "#7aa2c8"\ndark: "maybe"\n', "dark must be true or false"),
    "spread-out-of-range": (b'primary: "#7aa2c8"\nluminosity_spread: 7\n', "from 0 to 1"),
    "bad-name": (b'name: "no spaces/slashes"\nprimary: "#7aa2c8"\n', "theme name"),
    "variables-a-list": (b'primary: "#7aa2c8"\nvariables: [a, b]\n', "mapping of name"),
    "variable-css-injection": (
        b'primary: "#7aa2c8"\nvariables:\n  badge-due: "red; } Screen { display: none"\n',
        "line 3: variable badge-due",
    ),
    "variable-reference": (
        b'primary: "#7aa2c8"\nvariables:\n  badge-due: "$warning"\n',
        "another variable",
    ),
    "variable-style-as-colour": (
        b'primary: "#7aa2c8"\nvariables:\n  badge-overdue: bold\n',
        "badge-overdue",
    ),
    "variable-colour-as-style": (
        b'primary: "#7aa2c8"\nvariables:\n  link-style: "#ff0000"\n',
        "text-style words",
    ),
    "variable-bad-name": (b'primary: "#7aa2c8"\nvariables:\n  "Bad Name!": red\n', "lower-case"),
    "unhashable-key": (b'? [a, b]\n: "#7aa2c8"\n', "YAML"),
}


@pytest.mark.parametrize("label", sorted(HOSTILE))
def test_a_bad_user_theme_becomes_one_line_naming_the_file_and_the_rest_still_load(
    user_dir: Path, label: str
) -> None:
    content, fragment = HOSTILE[label]
    bad = user_dir / f"{label}.yaml"
    bad.write_bytes(content)
    (user_dir / "zz-good.yaml").write_text(GOOD)

    themes, errors = load_themes(user_dir)

    assert names(themes) == [*BUILTIN_NAMES, "harbour"]
    assert len(errors) == 1, errors
    error = errors[0]
    assert "\n" not in error
    assert error.startswith(str(bad))
    assert fragment in error
    assert len(error) < 400
    assert bad.read_bytes() == content, "a bad theme file is never rewritten"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_theme_file_is_reported(user_dir: Path) -> None:
    locked = user_dir / "locked.yaml"
    locked.write_text(GOOD)
    locked.chmod(0)
    try:
        _, errors = load_themes(user_dir)
    finally:
        locked.chmod(0o600)
    assert len(errors) == 1
    assert "cannot read" in errors[0]


# --- choosing ---------------------------------------------------------------------------------


def test_the_saved_choice_is_used_while_it_exists_else_the_default() -> None:
    available = [*BUILTIN_NAMES, "textual-dark"]
    assert choose_theme("paper", available) == "paper"
    assert choose_theme("textual-dark", available) == "textual-dark"
    assert choose_theme("a-theme-file-since-deleted", available) == DEFAULT_THEME
    assert choose_theme(None, available) == DEFAULT_THEME


def test_the_theme_choice_is_kept_in_this_devices_config(laptop) -> None:
    from store.config import Config

    config = Config.load()
    config.theme = "moss"
    config.save()
    assert Config.load().theme == "moss"
    assert Config.load().dir == laptop.config_dir


def test_themes_import_nothing_of_store_sync_or_tui() -> None:
    code = (
        "import sys, themes; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('store', 'sync', 'tui')); "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- in the app ---------------------------------------------------------------------------------


def open_board(laptop, **kwargs):  # -> tui.app.FollowupApp on a board with one card
    from tui.app import FollowupApp

    session = laptop.session()
    session.change(lambda board: board.add({"company": "Acme", "role": "Backend developer"}))
    return FollowupApp(session, cursor_blink=False, **kwargs)


async def test_a_device_without_a_choice_shows_the_default_theme(laptop) -> None:
    app = open_board(laptop)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert app.screen.id == "board"


async def test_a_theme_picked_in_the_app_is_remembered_for_the_next_launch(laptop) -> None:
    from store.config import Config

    app = open_board(laptop)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.theme = "paper"
        await pilot.pause()
    assert Config.load().theme == "paper"

    again = open_board(laptop)
    async with again.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert again.theme == "paper"
        assert not again.current_theme.dark


async def test_a_bad_user_theme_is_a_notification_and_the_good_ones_are_offered(laptop) -> None:
    themes_dir = laptop.config_dir / "themes"
    themes_dir.mkdir(parents=True)
    (themes_dir / "broken.yaml").write_text('primary: "#7aa2c8"\nsurface: "#nothex"\n')
    (themes_dir / "harbour.yaml").write_text(GOOD)
    app = open_board(laptop)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.screen.id == "board"
        assert "harbour" in app.available_themes
        assert "broken" not in app.available_themes
        shown = [n.message for n in app._notifications]
        assert any(str(themes_dir / "broken.yaml") in m and "line 2" in m for m in shown), shown
        app.theme = "harbour"
        await pilot.pause()
        assert app.current_theme.variables["badge-due"] == "#ffcc66"


async def test_a_remembered_theme_whose_file_is_gone_falls_back_and_says_so(laptop) -> None:
    from store.config import Config

    config = Config.load()
    config.theme = "deleted-theme"
    config.save()
    app = open_board(laptop)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        assert any("deleted-theme" in n.message for n in app._notifications)
