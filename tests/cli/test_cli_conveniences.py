"""What every command line tool has (issue 11, item 15): `--version`, completion scripts that
complete card ids only when that is cheap and safe, `info`, and an example under every
command's `--help`."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import Laptop, require_tool

from tui.cli import build_parser
from tui.cli.examples import EXAMPLES, commands
from tui.cli.version import version

BIN = Path(sys.executable).parent


def test_version_is_the_installed_one(laptop: Laptop) -> None:
    from importlib import metadata

    result = laptop.cli("--version")
    assert result.code == 0
    assert (
        result.out
        == f"followup-tui {metadata.version('followup-tui')}\n"
        == (f"followup-tui {version()}\n")
    )


@pytest.mark.parametrize("command", sorted(commands(build_parser())))
def test_every_command_help_shows_an_example(laptop: Laptop, command: str) -> None:
    assert command in EXAMPLES, f"add an example for {command!r} to tui/cli/examples.py"
    result = laptop.cli(command, "--help")
    assert result.code == 0
    example = result.out.split("example", 1)[1]
    assert f"followup-tui {command}" in example, result.out


def example_commands() -> list[list[str]]:
    """Every example typed as `followup-tui ...` (a line ending in a backslash goes on), as
    the words argparse gets: the program name, a comment and a redirection left out."""
    typed: list[str] = []
    for lines in EXAMPLES.values():
        joined = "\n".join(lines).replace("\\\n", " ")
        typed += [line for line in joined.splitlines() if line.startswith("followup-tui ")]
    commands = []
    for line in typed:
        words = shlex.split(line, comments=True)[1:]
        shell = [i for i, word in enumerate(words) if word in (">", ">>", "<", "|")]
        commands.append(words[: shell[0]] if shell else words)  # the shell's part left out
    return commands


@pytest.mark.parametrize("words", example_commands(), ids=" ".join)
def test_every_example_is_a_command_line_the_app_takes(words: list[str]) -> None:
    args = build_parser().parse_args(words)  # a wrong option exits (SystemExit), failing here
    assert args.command == words[0]


def test_a_card_argument_says_it_takes_a_company_too(laptop: Laptop) -> None:
    assert "or its company" in laptop.cli("show", "--help").out


def test_list_ids_gives_each_id_and_what_it_is(laptop: Laptop) -> None:
    card_id = laptop.cli("add", "--company", "Acme", "--role", "SRE").out.strip()
    assert laptop.cli("list", "--ids").out == f"{card_id}\tAcme — SRE (interviewed)\n"


def shell_env(laptop: Laptop, with_passphrase: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWUP_")}
    env.update(laptop.env())
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    if not with_passphrase:
        env.pop("FOLLOWUP_PASSWORD_FILE")
    return env


def complete_in_bash(laptop: Laptop, line: str, with_passphrase: bool = True) -> list[str]:
    """What bash offers after `line`, with the script the app generated sourced."""
    bash = require_tool("bash")
    words = line.split(" ")
    script = f"""
source <(followup-tui completion bash)
COMP_WORDS=({" ".join(repr(w) for w in words)})
COMP_CWORD={len(words) - 1}
COMP_LINE={line!r}
COMP_POINT=${{#COMP_LINE}}
_shtab_followup_tui
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    result = subprocess.run(
        [bash, "-c", script],
        env=shell_env(laptop, with_passphrase),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    return [w for w in result.stdout.splitlines() if w]


def test_bash_completes_commands_stages_templates_and_card_ids(laptop: Laptop) -> None:
    card_id = laptop.cli("add", "--company", "Acme").out.strip()
    assert complete_in_bash(laptop, "followup-tui mo") == ["move"]
    assert "closed" in complete_in_bash(laptop, f"followup-tui move {card_id} ")
    assert "follow-up-2" in complete_in_bash(laptop, f"followup-tui compose {card_id} ")
    assert complete_in_bash(laptop, "followup-tui show ") == [card_id]


def test_card_ids_are_not_completed_without_a_passphrase_source(laptop: Laptop) -> None:
    laptop.cli("add", "--company", "Acme")
    assert complete_in_bash(laptop, "followup-tui show ", with_passphrase=False) == []


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_complete_card_ids_through_the_cli(laptop: Laptop, shell) -> None:
    result = laptop.cli("completion", shell)
    assert result.code == 0
    assert "followup-tui list --ids" in result.out and "FOLLOWUP_PASSWORD_FILE" in result.out
    assert "_followup_tui_cards" in result.out and "templates --names" in result.out
    found = {"zsh": "zsh", "fish": "fish"}[shell]
    import shutil

    if shutil.which(found):  # a syntax check where the shell is installed
        check = ["zsh", "-n"] if shell == "zsh" else ["fish", "--no-execute"]
        run = subprocess.run([*check], input=result.out, text=True, capture_output=True)
        assert run.returncode == 0, run.stderr


def test_info_says_where_everything_is_and_which_versions_run(laptop: Laptop) -> None:
    facts = json.loads(laptop.cli("info", "--json").out)
    assert facts["config_dir"] == str(laptop.config_dir)
    assert facts["vault"] == str(laptop.vault) and facts["vault_exists"]
    header = json.loads((laptop.vault / "vault.json").read_text())
    assert facts["vault_id"] == header["vault"]
    assert facts["device_name"] == "a" and len(facts["device_id"]) == 12
    assert facts["version"] == version()
    for name in ("textual", "cryptography", "babel"):
        assert facts["versions"][name]
    text = laptop.cli("info").out
    assert "config dir" in text and str(laptop.vault) in text and "textual" in text


def test_info_on_a_fresh_machine_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    from conftest import Result

    fresh = tmp_path / "fresh-config"
    monkeypatch.setenv("FOLLOWUP_CONFIG_DIR", str(fresh))
    monkeypatch.setenv("FOLLOWUP_DATA_DIR", str(tmp_path / "data"))
    import contextlib
    import io

    from tui.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        result = Result(main(["info"]), out.getvalue(), err.getvalue())
    assert result.code == 0, result.err
    assert "not set up yet" in result.out and "none yet" in result.out
    assert not fresh.exists()
