"""The commands about the tool itself: `completion bash|zsh|fish` and `info [--json]`.

Completion scripts are generated from the parser (shtab), so they always know every command
and option. Card ids complete only where that is cheap and safe: the completion calls
`followup-tui list --ids` only when `FOLLOWUP_PASSWORD_FILE` or `FOLLOWUP_PASSWORD_COMMAND`
gives the passphrase (it never asks, and never reads the terminal); template names always
complete (`templates --names` needs no passphrase).

`info` reads nothing secret and never unlocks the vault or writes the config: it says where
things are and which versions run, for a bug report.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from tui.cli.version import version

SHELLS = ("bash", "zsh", "fish")

# Shell functions the generated scripts call for a card id or a template name.
PREAMBLE = {
    "bash": r"""
_followup_tui_cards() {
  # Card ids only when the passphrase comes from the environment: never a prompt.
  [ -n "${FOLLOWUP_PASSWORD_FILE}${FOLLOWUP_PASSWORD_COMMAND}" ] || return 0
  compgen -W "$(followup-tui list --ids </dev/null 2>/dev/null | cut -f1)" -- "$1"
}
_followup_tui_templates() {
  compgen -W "$(followup-tui templates --names </dev/null 2>/dev/null)" -- "$1"
}
""",
    "zsh": r"""
_followup_tui_cards() {
  # Card ids only when the passphrase comes from the environment: never a prompt.
  [[ -n "${FOLLOWUP_PASSWORD_FILE}${FOLLOWUP_PASSWORD_COMMAND}" ]] || return 1
  local -a cards
  cards=(${(f)"$(followup-tui list --ids </dev/null 2>/dev/null | sed -e 's/:/\\:/g' -e 's/	/:/')"})
  _describe 'card' cards
}
_followup_tui_templates() {
  local -a names
  names=(${(f)"$(followup-tui templates --names </dev/null 2>/dev/null)"})
  _describe 'template' names
}
""",
    "fish": r"""
function __followup_tui_cards
  # Card ids only when the passphrase comes from the environment: never a prompt.
  if test -n "$FOLLOWUP_PASSWORD_FILE$FOLLOWUP_PASSWORD_COMMAND"
    followup-tui list --ids </dev/null 2>/dev/null
  end
end
function __followup_tui_templates
  followup-tui templates --names </dev/null 2>/dev/null
end
""",
}
CARDS = {
    "bash": "_followup_tui_cards",
    "zsh": "_followup_tui_cards",
    "fish": "(__followup_tui_cards)",
}
TEMPLATES = {
    "bash": "_followup_tui_templates",
    "zsh": "_followup_tui_templates",
    "fish": "(__followup_tui_templates)",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "completion",
        help="print a shell completion script (bash, zsh or fish)",
        description="Prints a completion script for your shell. Card ids complete when "
        "FOLLOWUP_PASSWORD_FILE or FOLLOWUP_PASSWORD_COMMAND is set (completion never asks "
        "for the passphrase); commands, options, stages and template names always do.",
    )
    p.add_argument("shell", choices=SHELLS)
    p.set_defaults(func=cmd_completion)

    p = subparsers.add_parser(
        "info", help="where the config and the vault are, this device, and versions"
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_info)


def _mark_completions(parser: argparse.ArgumentParser) -> None:
    """Tell shtab which positionals are card ids and template names."""
    from tui.cli.examples import commands

    for name, command in commands(parser).items():
        for action in command._actions:
            if action.option_strings:
                continue
            if action.dest == "id":
                action.complete = CARDS  # type: ignore[attr-defined]
            elif action.dest == "template" and name == "compose":
                action.complete = TEMPLATES  # type: ignore[attr-defined]


def cmd_completion(args: argparse.Namespace) -> int:
    import shtab

    from tui.cli import build_parser

    parser = build_parser()
    _mark_completions(parser)
    sys.stdout.write(shtab.complete(parser, shell=args.shell, preamble=PREAMBLE[args.shell]))
    sys.stdout.write("\n")
    return 0


# --- info -----------------------------------------------------------------------------------------


def _version_of(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def gather(explicit_vault: str | None) -> dict[str, Any]:
    """What `info` says, as data: nothing here unlocks the vault or writes a file."""
    from store.config import CONFIG_FILE, Config, config_dir, default_vault_dir
    from store.language import chosen_locale, preferred_date_order
    from store.notes.last_good import vault_id

    folder = config_dir()
    config_file = folder / CONFIG_FILE
    config = Config.load() if config_file.exists() else None  # a fresh machine stays fresh
    vault: Path | None = None
    if explicit_vault:
        vault = Path(explicit_vault).expanduser().resolve()
    elif config is not None and config.vault:
        vault = Path(config.vault).expanduser()
    elif (default_vault_dir() / "vault.json").exists():
        vault = default_vault_dir()
    locale = chosen_locale(config.locale if config else None)
    return {
        "version": version(),
        "config_dir": str(folder),
        "config_file": str(config_file) if config_file.exists() else None,
        "data_dir": str(default_vault_dir().parent),
        "vault": str(vault) if vault else None,
        "vault_exists": bool(vault and (vault / "vault.json").exists()),
        "vault_id": vault_id(vault) if vault else None,
        "device_id": config.device_id if config else None,
        "device_name": config.device_name if config else None,
        "locale": locale,
        "date_order": preferred_date_order(config.date_order if config else None, locale),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "versions": {
            name: _version_of(name)
            for name in ("textual", "cryptography", "babel", "jinja2", "watchfiles", "shtab")
        },
    }


def cmd_info(args: argparse.Namespace) -> int:
    facts = gather(args.vault)
    if args.json:
        json.dump(facts, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    vault = facts["vault"] or "none yet (followup-tui init PATH, or followup-tui to set one up)"
    if facts["vault"] and not facts["vault_exists"]:
        vault += "  (no vault there now)"
    order = {"dmy": "read day first", "mdy": "read month first"}.get(
        facts["date_order"] or "", "asked about (set date_order in config.yaml)"
    )
    rows = [
        ("followup-tui", facts["version"]),
        ("config dir", facts["config_dir"]),
        ("data dir", facts["data_dir"]),
        ("vault", vault),
        ("vault id", facts["vault_id"] or "—"),
        (
            "device",
            f"{facts['device_name']} ({facts['device_id']})"
            if facts["device_id"]
            else "not set up yet (made on first use)",
        ),
        ("dates", f"{facts['locale'] or 'English'}; 03/04/2026 is {order}"),
        ("python", f"{facts['python']} on {facts['platform']}"),
        *((name, found or "not installed") for name, found in facts["versions"].items()),
    ]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    return 0
