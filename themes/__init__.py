"""The board's colours: built-in themes as YAML files beside this module, plus the user's own.

A theme file holds the colours of a Textual `Theme` and optional `variables` the app's
stylesheet uses (`$badge-due`, `$badge-overdue`). Users drop more files into
`<config dir>/themes/*.yaml`; a user theme with a built-in's name replaces it.

How the app uses this (tui/app.py):

    from themes import USER_THEMES_FOLDER, choose_theme, load_themes, variable_defaults

    class FollowupApp(App):
        def get_theme_variable_defaults(self) -> dict[str, str]:
            return variable_defaults(self.current_theme)  # Textual's themes lack ours

        def on_mount(self) -> None:
            themes, errors = load_themes(self.config.dir / USER_THEMES_FOLDER)
            for theme in themes:
                self.register_theme(theme)
            self.theme = choose_theme(self.config.theme, self.available_themes)
            for error in errors:
                self.notify(error, title="Theme not loaded", severity="warning")

        def watch_theme(self, name: str) -> None:   # remembered per device
            if self.config.theme != name:
                self.config.theme = name
                self.config.save()

A bad user file (not YAML, not a mapping, an unknown key, a colour Textual cannot parse, a
stylesheet value that would break the CSS) becomes one line naming the file, and the line when
it is known: this module never raises for a user's file and never writes or deletes one.
It must never import `store`, `sync` or `tui`: it is data plus a loader. What a file's check
found may be kept by the caller (`ThemeMemory`, which the app gives it): the next start takes a
theme of the very same text from there, without YAML or the checks.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from textual.color import Color, ColorParseError
from textual.css.stylesheet import Stylesheet
from textual.theme import Theme

DEFAULT_THEME = "dusk"
"""The theme of a device that has not chosen one (or whose choice no longer exists)."""

BUILTIN_NAMES: tuple[str, ...] = ("dusk", "paper", "contrast", "moss")
"""The built-in themes, in the order a picker shows them: a calm dark, a light, a high-contrast
and a muted green. Each is `themes/<name>.yaml`."""

USER_THEMES_FOLDER = "themes"
"""The folder inside the config dir where a user's own theme files live."""

APP_VARIABLES: dict[str, str] = {
    "badge-due": "warning",
    "badge-overdue": "error",
}
"""The app's own stylesheet variables, each with the palette colour it falls back to in a theme
that does not set it (Textual's built-in themes among them). See `variable_defaults`."""

MAX_FILE_BYTES = 64 * 1024  # a theme is a few hundred bytes; anything bigger is not a theme
MAX_VALUE_CHARS = 100

COLOUR_KEYS: tuple[str, ...] = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "success",
    "warning",
    "error",
)
NUMBER_KEYS: tuple[str, ...] = ("luminosity_spread", "text_alpha")
KNOWN_KEYS: tuple[str, ...] = (
    "name",
    "description",
    *COLOUR_KEYS,
    "dark",
    *NUMBER_KEYS,
    "variables",
)

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
VARIABLE_NAME = re.compile(r"^[a-z][a-z0-9-]{0,59}$")
# One token of a variable's value: a functional colour (may hold spaces), or a run of non-space.
VALUE_TOKEN = re.compile(r"(?:rgba?|hsla?)\([^()]*\)|\S+")
PERCENT = re.compile(r"^\d{1,3}(?:\.\d+)?%$")
STYLE_WORDS = frozenset(
    {"none", "not", "bold", "dim", "italic", "underline", "reverse", "strike", "blink"}
)


if TYPE_CHECKING:  # (loaded to read a file no memory holds: a start with all known skips it)
    import yaml


class ThemeMemory(Protocol):
    """Where the checked content of theme files is kept between starts, by the key this
    module gives (the file's whole text, its source and its default name)."""

    def get(self, key: str) -> Any: ...

    def add(self, key: str, value: Any) -> None: ...


class ThemeError(ValueError):
    """A theme file that cannot be used; `str()` is the one line shown to the user."""


@dataclass(frozen=True)
class BoardTheme:
    """One theme file's content, checked: every colour parses and the stylesheet can use it."""

    name: str
    primary: str
    secondary: str | None = None
    accent: str | None = None
    foreground: str | None = None
    background: str | None = None
    surface: str | None = None
    panel: str | None = None
    boost: str | None = None
    success: str | None = None
    warning: str | None = None
    error: str | None = None
    dark: bool = True
    luminosity_spread: float = 0.15
    text_alpha: float = 0.95
    variables: Mapping[str, str] = field(default_factory=dict)
    description: str = ""
    source: str = ""  # where it came from, for messages: a path or "built-in"

    def to_textual(self) -> Theme:
        return Theme(
            name=self.name,
            primary=self.primary,
            secondary=self.secondary,
            accent=self.accent,
            foreground=self.foreground,
            background=self.background,
            surface=self.surface,
            panel=self.panel,
            boost=self.boost,
            success=self.success,
            warning=self.warning,
            error=self.error,
            dark=self.dark,
            luminosity_spread=self.luminosity_spread,
            text_alpha=self.text_alpha,
            variables=dict(self.variables),
        )


# --- reading one file -------------------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _shown(value: Any) -> str:
    """A value as it may appear in a one-line message: short, whatever the file held."""
    text = _one_line(repr(value))
    return text if len(text) <= 40 else text[:37] + "..."


class _Checker:
    """Turns a file's parsed YAML into a `BoardTheme`, raising `ThemeError` at the first fault."""

    def __init__(self, source: str, lines: dict[str, int]) -> None:
        self.source = source
        self.lines = lines

    def fail(self, problem: str, key: str | None = None) -> ThemeError:
        line = self.lines.get(key) if key else None
        where = f"{self.source}, line {line}" if line else self.source
        return ThemeError(_one_line(f"{where}: {problem}"))

    def colour(self, key: str, value: Any) -> str:
        if value is None:
            raise self.fail(
                f'{key} is empty; quote colours, as in {key}: "#7aa2c8" (a bare # starts a comment).',
                key,
            )
        if not isinstance(value, str):
            raise self.fail(f'{key} must be a colour such as "#7aa2c8", not {_shown(value)}.', key)
        value = value.strip()
        if len(value) > MAX_VALUE_CHARS:
            raise self.fail(f"{key} is too long to be a colour ({len(value)} characters).", key)
        try:
            Color.parse(value)
        except ColorParseError as exc:
            raise self.fail(f"{key}: {exc}.", key) from None
        return value

    def variable(self, name: Any, value: Any) -> str:
        """A stylesheet variable: a colour (with an optional alpha percentage), or for a name
        ending in `style` a few text-style words; then Textual's own CSS parser has the last
        word, since a value it rejects would break the app's stylesheet on every repaint."""
        key = f"variables.{name}"
        if not isinstance(name, str) or not VARIABLE_NAME.match(name):
            raise self.fail(
                f"variable name {_shown(name)} must be lower-case words joined by '-', "
                "like badge-due.",
                "variables",
            )
        is_style = name.endswith("style")
        kind = "text-style words such as bold or none" if is_style else 'a colour such as "#e0b458"'
        if isinstance(value, bool) or not isinstance(value, str):
            raise self.fail(f"variable {name} must be {kind}, not {_shown(value)}.", key)
        text = " ".join(value.split())
        tokens = VALUE_TOKEN.findall(text)
        if not tokens or len(text) > MAX_VALUE_CHARS or len(tokens) > 4:
            raise self.fail(f"variable {name} must be {kind}.", key)
        if any(token.startswith("$") for token in tokens):
            # Textual does not resolve variables inside a theme's variables.
            raise self.fail(f"variable {name} cannot refer to another variable; give {kind}.", key)
        if not _value_fits(tokens, is_style) or not _stylesheet_accepts(name, text, is_style):
            raise self.fail(f"variable {name}: {_shown(text)} is not {kind}.", key)
        return text

    def check(self, data: Any, default_name: str) -> BoardTheme:
        if data is None:
            raise self.fail("the file is empty; a theme needs at least a primary colour.")
        if not isinstance(data, dict):
            raise self.fail(
                f'expected a mapping of colours (primary: "#7aa2c8" …), not a {type(data).__name__}.'
            )
        for key in data:
            if key not in KNOWN_KEYS:
                close = difflib.get_close_matches(str(key), KNOWN_KEYS, n=1)
                hint = (
                    f"; did you mean {close[0]}?"
                    if close
                    else f"; keys are: {', '.join(KNOWN_KEYS)}."
                )
                raise self.fail(f"unknown key {_shown(key)}{hint}", str(key))
        name = data.get("name", default_name)
        if not isinstance(name, str) or not NAME.match(name):
            raise self.fail(
                f"theme name {_shown(name)} must be 1-40 letters, digits, '-' or '_'.", "name"
            )
        if "primary" not in data:
            raise self.fail('a theme needs a primary colour, as in primary: "#7aa2c8".')
        values: dict[str, Any] = {"name": name}
        for key in COLOUR_KEYS:
            if key in data:
                values[key] = self.colour(key, data[key])
        if "dark" in data:
            if not isinstance(data["dark"], bool):
                raise self.fail(f"dark must be true or false, not {_shown(data['dark'])}.", "dark")
            values["dark"] = data["dark"]
        for key in NUMBER_KEYS:
            if key in data:
                number = data[key]
                if isinstance(number, bool) or not isinstance(number, int | float):
                    raise self.fail(f"{key} must be a number from 0 to 1.", key)
                if not 0 <= number <= 1:
                    raise self.fail(f"{key} must be from 0 to 1, not {_shown(number)}.", key)
                values[key] = float(number)
        description = data.get("description", "")
        if not isinstance(description, str) or len(description) > 200:
            raise self.fail("description must be a short line of text.", "description")
        values["description"] = _one_line(description)
        variables = data.get("variables") or {}
        if not isinstance(variables, dict):
            raise self.fail("variables must be a mapping of name: value.", "variables")
        values["variables"] = {key: self.variable(key, value) for key, value in variables.items()}
        theme = BoardTheme(**values, source=self.source)
        try:
            theme.to_textual().to_color_system().generate()
        except Exception as exc:  # Textual's own check of the whole palette, whatever it raises
            raise self.fail(f"Textual cannot build this theme ({_one_line(str(exc))}).") from None
        return theme


def _value_fits(tokens: list[str], is_style: bool) -> bool:
    """A variable's value, in tokens, is text-style words (`is_style`) or a colour with an
    optional alpha percentage."""
    if is_style:
        return all(token in STYLE_WORDS for token in tokens)
    return len(tokens) <= 2 and _is_colour(tokens[0]) and all(PERCENT.match(t) for t in tokens[1:2])


def _is_colour(text: str) -> bool:
    try:
        Color.parse(text)
    except ColorParseError:
        return False
    return True


def _stylesheet_accepts(name: str, value: str, is_style: bool) -> bool:
    """Whether Textual's CSS parser takes `value` where the app and Textual use such a name."""
    uses = "text-style: $v;" if is_style else "color: $v; background: $v; border: tall $v;"
    sheet = Stylesheet(variables={"v": value})
    sheet.add_source(f"#theme-check {{ {uses} }}", read_from=("theme", name))
    try:
        sheet.parse()
    except Exception:  # the parser raises several kinds; any of them means "unusable"
        return False
    return True


def _key_lines(node: yaml.Node | None) -> dict[str, int]:
    """The line of each top-level key, and of each `variables.<name>`, for messages."""
    import yaml

    lines: dict[str, int] = {}
    if not isinstance(node, yaml.MappingNode):
        return lines
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        lines[str(key.value)] = key.start_mark.line + 1
        if key.value == "variables" and isinstance(value, yaml.MappingNode):
            for inner, _ in value.value:
                if isinstance(inner, yaml.ScalarNode):
                    lines[f"variables.{inner.value}"] = inner.start_mark.line + 1
    return lines


def parse_theme(
    text: str, source: str, default_name: str, memory: ThemeMemory | None = None
) -> BoardTheme:
    """A theme from a file's text; `ThemeError` (one line, naming `source`) if it is unusable.

    With `memory`, a text whose check passed before is taken from there as it was found then;
    a theme checked now is kept there (a broken one never is: it says its error each time)."""
    key = f"{source}\0{default_name}\0{text}"
    if memory is not None:
        kept = _from_kept(memory.get(key), source)
        if kept is not None:
            return kept
    theme = _parse_theme(text, source, default_name)
    if memory is not None:
        memory.add(key, _kept(theme))
    return theme


_KEPT_KEYS = frozenset(f.name for f in fields(BoardTheme)) - {"source"}


def _from_kept(kept: Any, source: str) -> BoardTheme | None:
    """The theme a memory kept, when it is one a check can have found; else None (the file is
    checked again). The file could have been edited by hand: every value is of its type, every
    colour parses and every variable reads as one (Textual's stylesheet and palette, the slow
    part of a check, took them when the entry was kept, under the same code)."""
    if not isinstance(kept, dict) or kept.keys() != _KEPT_KEYS:
        return None
    name, variables = kept["name"], kept["variables"]
    if not (isinstance(name, str) and NAME.match(name) and isinstance(kept["primary"], str)):
        return None
    for key in COLOUR_KEYS:
        value = kept[key]
        if value is not None and not (isinstance(value, str) and _is_colour(value)):
            return None
    if type(kept["dark"]) is not bool or not isinstance(kept["description"], str):
        return None
    if not all(type(kept[key]) is float and 0 <= kept[key] <= 1 for key in NUMBER_KEYS):
        return None
    if not isinstance(variables, dict):
        return None
    for variable, value in variables.items():
        if not (isinstance(value, str) and VARIABLE_NAME.match(variable)):
            return None
        tokens = VALUE_TOKEN.findall(value)
        if not tokens or len(tokens) > 4 or any(t.startswith("$") for t in tokens):
            return None
        if not _value_fits(tokens, variable.endswith("style")):
            return None
    return BoardTheme(**kept, source=source)


def _kept(theme: BoardTheme) -> dict[str, Any]:
    """What `BoardTheme(**kept, source=…)` makes the same theme from."""
    kept = {f.name: getattr(theme, f.name) for f in fields(BoardTheme) if f.name != "source"}
    kept["variables"] = dict(theme.variables)
    return kept


# libyaml's parser, when PyYAML has it: it reads a theme five times faster. It says what is
# wrong with a broken file in other words and sometimes on another line, so a file it refuses
# is read again by the pure-Python one (tests turn it off to compare the two).
USE_FAST_LOADER = True


def _parse_theme(text: str, source: str, default_name: str) -> BoardTheme:
    import yaml

    fast_loader = getattr(yaml, "CSafeLoader", None) if USE_FAST_LOADER else None
    if fast_loader is not None:
        loader = fast_loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        except (yaml.YAMLError, RecursionError):
            pass  # told below, as the pure-Python parser tells it
        else:
            try:
                return _Checker(source, _key_lines(node)).check(data, default_name)
            except RecursionError:  # libyaml before PyYAML 6.0.4 reads a list 5,000 deep
                raise ThemeError(f"{source}: nested too deeply to be a theme.") from None
        finally:
            loader.dispose()
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}, line {mark.line + 1}" if mark is not None else source
        problem = getattr(exc, "problem", None) or "not valid YAML"
        raise ThemeError(_one_line(f"{where}: not valid YAML ({problem}).")) from None
    except RecursionError:
        raise ThemeError(f"{source}: nested too deeply to be a theme.") from None
    finally:
        loader.dispose()
    return _Checker(source, _key_lines(node)).check(data, default_name)


def read_theme(path: Path, memory: ThemeMemory | None = None) -> BoardTheme:
    """A theme from a file; `ThemeError` for anything from a missing file to binary junk."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ThemeError(f"{path}: cannot read it ({exc.strerror or exc}).") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ThemeError(f"{path}: larger than {MAX_FILE_BYTES // 1024} KiB; not a theme file.")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ThemeError(f"{path}: not UTF-8 text; a theme is a small YAML file.") from None
    if "\x00" in text:
        raise ThemeError(f"{path}: holds binary data; a theme is a small YAML file.")
    return parse_theme(text, str(path), path.stem, memory)


# --- every theme ------------------------------------------------------------------------------


def builtin_themes(memory: ThemeMemory | None = None) -> tuple[list[BoardTheme], list[str]]:
    """The themes shipped in this package (errors here are a packaging bug, still not a crash)."""
    themes: list[BoardTheme] = []
    errors: list[str] = []
    folder = Path(__file__).parent  # installed as files (`importlib.resources` loaded zipfile)
    for name in BUILTIN_NAMES:
        source = f"built-in theme {name}.yaml"
        try:
            text = folder.joinpath(f"{name}.yaml").read_text(encoding="utf-8")
            themes.append(parse_theme(text, source, name, memory))
        except (OSError, ThemeError) as exc:
            errors.append(str(exc) if isinstance(exc, ThemeError) else f"{source}: missing.")
    return themes, errors


def user_theme_files(user_dir: Path) -> tuple[list[Path], list[str]]:
    """The `*.yaml`/`*.yml` files of the user's themes folder, in name order; a folder that
    does not exist simply holds none."""
    try:
        entries = sorted(user_dir.iterdir())
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        return [], [f"{user_dir}: cannot read the themes folder ({exc.strerror or exc})."]
    files = [
        p
        for p in entries
        if p.suffix.lower() in (".yaml", ".yml") and not p.name.startswith(".") and p.is_file()
    ]
    return files, []


def load_board_themes(
    user_dir: Path, memory: ThemeMemory | None = None
) -> tuple[list[BoardTheme], list[str]]:
    """Built-ins then the user's themes; a user theme named like an earlier one replaces it."""
    themes, errors = builtin_themes(memory)
    by_name: dict[str, BoardTheme] = {theme.name: theme for theme in themes}
    files, folder_errors = user_theme_files(user_dir)
    errors += folder_errors
    from_user: dict[str, Path] = {}
    for path in files:
        try:
            theme = read_theme(path, memory)
        except ThemeError as exc:
            errors.append(str(exc))
            continue
        if theme.name in from_user:
            errors.append(
                f"{path}: theme {theme.name!r} is already defined by {from_user[theme.name]}; "
                "rename one of them (this file was skipped)."
            )
            continue
        from_user[theme.name] = path
        by_name[theme.name] = theme
    return list(by_name.values()), errors


def load_themes(user_dir: Path) -> tuple[list[Theme], list[str]]:
    """Every theme to register with the app, and one line per file that could not be used.

    `user_dir` is `<config dir>/themes` (`store.config.Config.dir / USER_THEMES_FOLDER`).
    Never raises for anything a user put in that folder.
    """
    themes, errors = load_board_themes(user_dir)
    return [theme.to_textual() for theme in themes], errors


def variable_defaults(theme: Theme) -> dict[str, str]:
    """Values for the app's variables that `theme` leaves out, taken from its own palette.

    Meant for `App.get_theme_variable_defaults`: without them a theme that does not set
    `badge-due` (any of Textual's) would make the stylesheet fail to parse.
    """
    palette = theme.to_color_system().generate()
    return {name: palette[colour] for name, colour in APP_VARIABLES.items()}


def choose_theme(saved: str | None, available: Iterable[str]) -> str:
    """The theme to show: the device's saved choice while it exists, else the default."""
    names = set(available)
    if saved and saved in names:
        return saved
    return DEFAULT_THEME if DEFAULT_THEME in names else "textual-dark"


__all__ = [
    "APP_VARIABLES",
    "BUILTIN_NAMES",
    "DEFAULT_THEME",
    "USER_THEMES_FOLDER",
    "BoardTheme",
    "ThemeError",
    "ThemeMemory",
    "builtin_themes",
    "choose_theme",
    "load_board_themes",
    "load_themes",
    "parse_theme",
    "read_theme",
    "variable_defaults",
]
