"""What a command loads: no CLI command imports Textual (a command's start-up is mostly its
imports), and each command is read by its own module's parser alone."""

from __future__ import annotations

import argparse
import importlib
import os
import subprocess
import sys

from conftest import PROJECT_DIR, add

from tui.cli.commands import COMMAND_MODULE, COMMAND_MODULES

MAIN = "import sys; from tui.cli import main; sys.exit(main())"  # as the console script does


def _imported(laptop, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run `followup-tui ARGS` in a fresh Python with `-X importtime`: its result, and the
    top-level packages it imported."""
    env = dict(os.environ, **laptop.env())
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", MAIN, "--vault", str(laptop.vault), *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_DIR,
        timeout=120,
    )
    return done, {name.split(".")[0] for name in _modules(done.stderr)}


def _modules(importtime: str) -> set[str]:
    """Every module `-X importtime` says was imported, by its full name."""
    found = set()
    for line in importtime.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":  # the header line
                found.add(name)
    return found


def test_no_cli_command_imports_textual(laptop) -> None:
    card = add(laptop, "Acme")
    commands = [
        ("list",),
        ("list", "--json"),
        ("show", card),
        ("show", card, "--json"),
        ("due",),
        ("due", "--count"),
        ("move", card, "thanked"),
        ("add", "--company", "Globex"),
        ("edit", card, "--notes", "called back"),
        ("stats",),
        ("templates",),
        ("offers",),
    ]
    for args in commands:
        done, packages = _imported(laptop, *args)
        assert done.returncode == 0, (args, done.stderr[-2000:])
        assert "store" in packages, (args, "importtime said nothing")  # the probe works
        assert "textual" not in packages, args


def test_the_commands_a_board_runs_every_day_start_without_yaml(laptop) -> None:
    """Once config.yaml and the templates were read (the first command does), `list`, `show`,
    `due` and `move` never import PyYAML: it was 20-30 ms of every start."""
    card = add(laptop, "Acme")
    assert _imported(laptop, "due")[0].returncode == 0  # the first `due` checks the templates
    for args in [("list", "--json"), ("show", card), ("due",), ("due", "--count")]:
        done, packages = _imported(laptop, *args)
        assert done.returncode == 0, (args, done.stderr[-2000:])
        assert "store" in packages, (args, "importtime said nothing")
        assert "yaml" not in packages, args
    done, packages = _imported(laptop, "move", card, "thanked")
    assert done.returncode == 0 and "yaml" not in packages


def test_every_command_is_read_by_the_parser_of_the_module_that_registers_it() -> None:
    registered: dict[str, str] = {}
    for module in COMMAND_MODULES:
        parser = argparse.ArgumentParser()
        subparsers = parser.add_subparsers(dest="command")
        importlib.import_module(module).register(subparsers)
        registered.update(dict.fromkeys(subparsers.choices, module))
    assert registered == COMMAND_MODULE


def test_a_command_reads_the_installed_version_only_when_asked_for_it(laptop) -> None:
    """Looking the version up imports `importlib.metadata` and the `email` package: every
    command paid for it to print nothing of it. `--version` after an option still says it."""
    card = add(laptop, "Acme")
    for args in [("list", "--json"), ("show", card, "--json"), ("due",), ("move", card, "thanked")]:
        done, _ = _imported(laptop, *args)
        assert done.returncode == 0, (args, done.stderr[-2000:])
        modules = _modules(done.stderr)
        assert "store.vault.session" in modules, (args, "importtime said nothing")
        assert "importlib.metadata" not in modules, args
    done, _ = _imported(laptop, "--version")  # after `--vault PATH`: read by the parser
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("followup-tui "), done.stdout
    assert "importlib.metadata" in _modules(done.stderr)


def _before_the_derive(importtime: str) -> list[str]:
    """The modules `-X importtime` lists before Argon2id's: what was loaded before the key
    derive could start (a module is listed once its import is done, its own imports first)."""
    names = [line.rsplit("|", 1)[1].strip() for line in importtime.splitlines() if "|" in line]
    assert ARGON2 in names, "the derive's module was never imported"
    return names[: names.index(ARGON2)]


ARGON2 = "cryptography.hazmat.primitives.kdf.argon2"
AEAD = "cryptography.hazmat.primitives.ciphers.aead"


def test_a_command_loads_little_before_its_key_derive_starts(laptop) -> None:
    """What a command imports before its derive starts delays it by as much: `dataclasses`
    (14 ms, with `inspect`), `subprocess` (needed only to run a password command), `secrets`
    (`os.urandom` is what it calls), `traceback` (the crash log), `hashlib` (a kept key's
    check) and YAML were loaded before it by every command; so were `argparse` with `gettext`
    (3 ms) and AES-GCM (4 ms), which only the parser and the key's unwrap after the derive
    need."""
    card = add(laptop, "Acme")
    late = {"dataclasses", "inspect", "subprocess", "secrets", "traceback", "hashlib", "yaml"}
    late |= {"argparse", "gettext", "tui.cli.parser", AEAD}
    late -= _what_the_derive_itself_imports()  # (a newer cryptography may need one of them)
    for args in [("list", "--json"), ("show", card), ("due",), ("move", card, "thanked")]:
        done, _ = _imported(laptop, *args)
        assert done.returncode == 0, (args, done.stderr[-2000:])
        before = _before_the_derive(done.stderr)
        assert "store.vault.crypto" in before, (args, "importtime said nothing")
        assert not late & set(before), (args, late & set(before))


def _what_the_derive_itself_imports() -> set[str]:
    probe = "from cryptography.hazmat.primitives.kdf.argon2 import Argon2id"
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", probe],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return _modules(done.stderr)


BEGUN = """
import sys
from tui import launch
launch.unlock_in_advance({explicit!r}, command=True)
advance = launch._in_advance
print(advance is not None and advance.passphrase is not None, 'yaml' in sys.modules)
"""


def _begun(laptop, explicit: str | None = None) -> list[str]:
    """Whether the key for a command began deriving, and whether YAML was loaded by then."""
    done = subprocess.run(
        [sys.executable, "-c", BEGUN.format(explicit=explicit)],
        capture_output=True,
        text=True,
        env=dict(os.environ, **laptop.env()),
        cwd=PROJECT_DIR,
        timeout=120,
        check=True,
    )
    return done.stdout.split()


def test_a_command_begins_deriving_before_yaml_or_the_config_load(laptop) -> None:
    """The vault is found from config.yaml's `vault:` line read as text (or `--vault`): the
    derive starts some 30 ms sooner than after loading YAML and the config."""
    config = laptop.config_dir / "config.yaml"
    assert f"\nvault: {laptop.vault}\n" in config.read_text()  # as the app writes it
    assert _begun(laptop) == ["True", "False"]
    assert _begun(laptop, str(laptop.vault)) == ["True", "False"]


def test_a_vault_line_written_another_way_takes_the_config_load(laptop) -> None:
    config = laptop.config_dir / "config.yaml"
    lines = [line for line in config.read_text().splitlines() if not line.startswith("vault:")]
    config.write_text("\n".join([*lines, f"vault: '{laptop.vault}'", ""]))
    assert _begun(laptop) == ["True", "True"]  # quoted: YAML reads it, and the key still begins
    card = add(laptop, "Acme")
    assert card in laptop.cli("list").out


def test_a_config_that_is_a_fifo_is_one_line_not_a_hang(laptop) -> None:
    """The early look at config.yaml never blocks on a FIFO left in its place."""
    config = laptop.config_dir / "config.yaml"
    config.unlink()
    os.mkfifo(config)
    done = subprocess.run(
        [sys.executable, "-c", MAIN, "list"],  # the vault found from the config: read it
        capture_output=True,
        text=True,
        env=dict(os.environ, **laptop.env()),
        cwd=PROJECT_DIR,
        timeout=60,
    )
    assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
    assert "config.yaml" in done.stderr


BOARD_BEGUN = """
import sys
from tui import launch
launch.unlock_in_advance({explicit!r})
advance = launch._in_advance
began = advance is not None and advance.passphrase is not None
opened = advance.opened() if began else None
print(began, opened is not None, opened is not None and opened.session.config is advance.config,
      launch.advance_config() is not None)
"""


def _board_begun(laptop, explicit: str | None = None) -> tuple[list[str], list[str]]:
    """Begin the board's unlock as `followup-tui` does: what it printed (began, opened,
    opened with the config the app goes on with, a config for the app), and the modules
    loaded before the derive's."""
    done = _python(laptop, "-X", "importtime", "-c", BOARD_BEGUN.format(explicit=explicit))
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split(), _before_the_derive(done.stderr)


def _python(laptop, *args: str) -> subprocess.CompletedProcess[str]:
    """A fresh Python on the laptop's config and passphrase, in the checkout."""
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=dict(os.environ, **laptop.env()),
        cwd=PROJECT_DIR,
        timeout=120,
    )


def test_the_boards_key_derive_begins_before_its_config_loads(laptop) -> None:
    """The board finds its vault as a command does (config.yaml's `vault:` line read as
    text) and loads the config while Argon2id runs: loaded first, it delayed the derive by
    25-35 ms. The session opened on the thread is opened with the config the app goes on
    with."""
    late = {"yaml", "dataclasses", "inspect", "socket", "store.config", "argparse"}
    for explicit in (None, str(laptop.vault)):
        said, before = _board_begun(laptop, explicit)
        assert said == ["True", "True", "True", "True"], explicit
        assert "store.vault.crypto" in before, "importtime said nothing"
        assert not late & set(before), (explicit, late & set(before))


def test_a_config_that_does_not_load_leaves_the_boards_session_to_the_app(laptop) -> None:
    """config.yaml with a plain `vault:` line, broken further down: the key derives, the
    session is not opened on the thread (and nothing waits for a config that never came),
    and the app, loading the config itself, says what is wrong as it always did."""
    config = laptop.config_dir / "config.yaml"
    config.write_text(config.read_text() + "profile: [unclosed\n")
    said, _ = _board_begun(laptop)
    assert said == ["True", "False", "False", "False"]
    board = _python(laptop, "-c", MAIN)  # the board, launched as the console script does
    assert board.returncode == 1, board.stderr[-2000:]
    assert board.stderr.startswith("followup-tui: ") and "config.yaml" in board.stderr
    assert len(board.stderr.strip().splitlines()) == 1, board.stderr


def test_a_vault_path_that_cannot_be_looked_at_is_left_to_the_app(laptop) -> None:
    """A `--vault` whose name is too long for the system: `exists()` raises, and the early
    look passes it over (the app says what is wrong), never a traceback."""
    too_long = str(laptop.vault.parent / ("a" * 300))
    done = _python(laptop, "-c", BOARD_BEGUN.format(explicit=too_long))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "False", "False", "False"]


OTHER_VAULT = """
import os
from tui import launch
read, write = os.pipe()  # as `FOLLOWUP_PASSWORD_FILE=<(pass show x)`: it reads once
os.write(write, open({password!r}, "rb").read())
os.close(write)
os.environ["FOLLOWUP_PASSWORD_FILE"] = f"/dev/fd/{{read}}"
launch.unlock_in_advance(None)
advance = launch.take_unlock_in_advance(launch.Path({other!r}))
opened = advance.opened() if advance is not None else None
print(opened is not None and str(opened.session.vault.path))
"""


def test_a_config_naming_another_vault_than_its_plain_line_opens_that_one(laptop) -> None:
    """YAML reads the last of two `vault:` keys, and a quoted one is not the plain line the
    early look reads as text: the derive begun for the line's vault is left, and the board's
    unlock begins for the vault YAML names, with the passphrase read once."""
    import shutil

    other = laptop.vault.parent / "other-vault"
    shutil.copytree(laptop.vault, other)
    config = laptop.config_dir / "config.yaml"
    config.write_text(config.read_text() + f"vault: '{other}'\n")
    script = OTHER_VAULT.format(password=str(laptop.password_file), other=str(other))
    done = _python(laptop, "-c", script)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == [str(other)]


def test_a_password_command_runs_only_once_the_config_has_loaded(laptop, tmp_path) -> None:
    """A command may ask (a pinentry): on a config that does not load it never runs, as
    before the board's early derive; the app says what is wrong with the config."""
    runs = tmp_path / "runs"
    command = tmp_path / "password-command"
    command.write_text(f"#!/bin/sh\necho run >> '{runs}'\ncat '{laptop.password_file}'\n")
    command.chmod(0o700)
    config = laptop.config_dir / "config.yaml"
    config.write_text(config.read_text() + "profile: [unclosed\n")
    env = {k: v for k, v in os.environ.items() if k != "FOLLOWUP_PASSWORD_FILE"}
    env.update(FOLLOWUP_CONFIG_DIR=str(laptop.config_dir), FOLLOWUP_PASSWORD_COMMAND=str(command))
    board = subprocess.run(
        [sys.executable, "-c", MAIN], capture_output=True, text=True, env=env,
        cwd=PROJECT_DIR, timeout=120,
    )  # fmt: skip
    assert board.returncode == 1 and "config.yaml" in board.stderr, board.stderr[-2000:]
    assert not runs.exists()


def test_a_vault_given_as_a_loop_of_links_is_one_line(laptop, tmp_path) -> None:
    """`--vault` through symbolic links that point at each other: the early look passed it to
    `resolve()`, which raises for a loop, and a command printed a traceback. Now the command
    and the board alike say it in one line, exit 1."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    looped = str(tmp_path / "a" / "vault")
    for args in (["list"], []):  # a command, and the board
        done = _python(laptop, "-c", MAIN, "--vault", looped, *args)
        assert done.returncode == 1, (args, done.stderr[-2000:])
        assert (
            done.stderr == f"followup-tui: --vault {looped}: cannot follow it (a loop of links).\n"
        )
