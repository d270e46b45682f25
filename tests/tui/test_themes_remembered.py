"""A theme file's check is kept for the next start (`themes-read.json`): a start whose theme
files are all known reads none of them with YAML, and takes each theme exactly as its check
found it; an edited file is checked again, a broken one says its error every time."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PROJECT_DIR

import themes
from store.remembered import Remembered, code_stamp
from themes import BUILTIN_NAMES, ThemeError, builtin_themes, load_board_themes, parse_theme

HARBOUR = """\
name: harbour
dark: false
primary: "#4a90c2"
background: "#f0f4f8"
luminosity_spread: 0.2
text_alpha: 1
description: "  a light   one  "
variables:
  badge-due: "#ffcc66 80%"
  block-cursor-text-style: bold underline
"""
STAMP = ["themes-test", 1]


def _memory(path: Path) -> Remembered:
    return Remembered(path, STAMP)


def _never_checked(*_: object) -> None:
    raise AssertionError("a theme the memory holds was checked again")


def test_a_kept_theme_is_the_theme_its_check_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = tmp_path / "themes-read.json"
    memory = _memory(kept)
    checked = [parse_theme(HARBOUR, "harbour.yaml", "harbour", memory)]
    checked += builtin_themes(memory)[0]
    memory.save()
    assert kept.stat().st_mode & 0o777 == 0o600
    monkeypatch.setattr(themes, "_parse_theme", _never_checked)
    again = _memory(kept)  # the next start
    taken = [parse_theme(HARBOUR, "harbour.yaml", "harbour", again)]
    taken += builtin_themes(again)[0]
    assert taken == checked  # every field: colours, numbers, variables, source
    assert [t.name for t in taken[1:]] == list(BUILTIN_NAMES)
    assert taken[0].luminosity_spread == 0.2 and taken[0].text_alpha == 1.0
    assert taken[0].to_textual().variables == checked[0].to_textual().variables


def test_an_edited_theme_is_checked_again(tmp_path: Path) -> None:
    memory = _memory(tmp_path / "themes-read.json")
    parse_theme(HARBOUR, "harbour.yaml", "harbour", memory)
    edited = HARBOUR.replace("#4a90c2", "#aa3344")
    assert parse_theme(edited, "harbour.yaml", "harbour", memory).primary == "#aa3344"
    broken = HARBOUR.replace('"#4a90c2"', '"#zzzzzz"')
    for _ in range(2):  # never kept: its error is said each time
        with pytest.raises(ThemeError, match=r"harbour\.yaml, line 3: primary"):
            parse_theme(broken, "harbour.yaml", "harbour", memory)
    # The same text from another file (another name by default) is another theme.
    nameless = HARBOUR.replace("name: harbour\n", "")
    assert parse_theme(nameless, "a.yaml", "a", memory).name == "a"
    assert parse_theme(nameless, "b.yaml", "b", memory).name == "b"


def test_a_start_with_every_theme_known_does_not_load_yaml(tmp_path: Path) -> None:
    user = tmp_path / "themes"
    user.mkdir()
    (user / "harbour.yaml").write_text(HARBOUR)
    code = (
        "import sys, textual; from pathlib import Path;"
        "from store.remembered import Remembered, code_stamp;"
        "import themes;"
        f"m = Remembered(Path({str(tmp_path / 'themes-read.json')!r}),"
        " code_stamp('themes', 'textual', 'yaml'));"
        f"found, errors = themes.load_board_themes(Path({str(user)!r}), m); m.save();"
        "assert not errors and len(found) == 5, errors;"
        "print('yaml' in sys.modules)"
    )

    def start() -> bool:
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            cwd=PROJECT_DIR,
            env=dict(os.environ),
            timeout=60,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout.strip() == "True"

    assert start()  # the first start checks every file
    assert not start()
    (user / "harbour.yaml").write_text(HARBOUR.replace("0.2", "0.3"))
    assert start()  # an edited file is read again


def test_another_textual_or_theme_code_checks_every_theme_again(tmp_path: Path) -> None:
    stamp = code_stamp("themes", "textual", "yaml")
    assert stamp is not None and "textual" in stamp
    kept = tmp_path / "themes-read.json"
    memory = Remembered(kept, stamp)
    load_board_themes(tmp_path / "none", memory)
    memory.save()
    assert Remembered(kept, stamp).get(f"built-in theme dusk.yaml\0dusk\0{_dusk()}") is not None
    other = [*stamp[:-1], stamp[-1] + 1]  # one of those files rewritten: another version
    assert Remembered(kept, other).get(f"built-in theme dusk.yaml\0dusk\0{_dusk()}") is None


def _dusk() -> str:
    return (Path(themes.__file__).parent / "dusk.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "odd",
    [
        {"variables": [1, 2]},
        {"primary": 5},
        {"primary": "not a colour"},
        {"variables": {"badge-due": "}{"}},
        {"variables": {"badge-due": "$primary"}},
        {"variables": {"block-cursor-text-style": "bold blue"}},
        {"dark": "yes"},
        {"text_alpha": 7.0},
        {"luminosity_spread": "0.2"},
        {"name": "../x"},
        {"colour": "red"},
    ],
)
def test_a_kept_entry_edited_into_something_a_check_would_refuse_is_checked_again(
    tmp_path: Path, odd: dict
) -> None:
    """A memory file edited by hand (right stamp, right text) must not hand the app a theme
    that breaks it before its first paint: such an entry is passed over and the file checked."""
    kept = tmp_path / "themes-read.json"
    memory = _memory(kept)
    good = parse_theme(HARBOUR, "harbour.yaml", "harbour", memory)
    key = f"harbour.yaml\0harbour\0{HARBOUR}"
    entry = {**memory.get(key), **odd}
    memory._read()[key] = entry  # as a hand edit of the file would leave it
    assert parse_theme(HARBOUR, "harbour.yaml", "harbour", memory) == good
