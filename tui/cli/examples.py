"""An example for every command's `--help`: what a person types, ready to copy.

`add_examples` puts them under each command's help (argparse's epilog) once every command
module has registered. A command without an example here fails a test: add its lines when
adding a command.
"""

from __future__ import annotations

import argparse

# Each command's example lines, as typed in a shell (a comment after `#` says what it does).
EXAMPLES: dict[str, tuple[str, ...]] = {
    "init": ("followup-tui init ~/Sync/followup --device-name work-laptop",),
    "add": (
        'followup-tui add --company Acme --role "Backend dev" \\',
        '    --interviewed-at "yesterday 14:00" --interviewer "Ann Lee, CTO <ann@acme.io>"',
        'followup-tui add --company Hooli --interviewed-at "tomorrow 14:00" --duration 90 \\',
        '    --ask "What does on-call look like?" --research "Series B in 2025; moved to Go"',
    ),
    "list": (
        "followup-tui list --stage waiting",
        "followup-tui list --search kafka       # every text of the cards",
        "followup-tui list --all --json",
    ),
    "show": ("followup-tui show acme         # by company", "followup-tui show 3f9a"),
    "move": (
        "followup-tui move acme thanked",
        "followup-tui move 3f9a closed --outcome rejected",
    ),
    "edit": (
        'followup-tui edit acme --promised-by "next friday" --notes "Asked about on-call"',
        "followup-tui edit acme --salary 85k --currency EUR --answer-by 2026-03-20   # the offer",
        "wl-paste | followup-tui edit acme --posting-file -   # the job ad from the clipboard",
    ),
    "delete": ("followup-tui delete acme        # to the trash; restore brings it back",),
    "restore": ("followup-tui restore acme",),
    "resolve": ("followup-tui resolve acme notes --keep 1",),
    "passwd": ("followup-tui passwd --new-password-file ~/new-passphrase",),
    "unlock": (
        "followup-tui unlock               # asks once; 8 hours without the passphrase",
        "followup-tui unlock --for 2h30m",
    ),
    "lock": ("followup-tui lock                 # forget the key now",),
    "import": (
        "followup-tui import applications.csv           # a dry run",
        "followup-tui import invite.ics --apply         # an interview invitation",
        'followup-tui import applications.csv --map "Boss=interviewers" --apply',
    ),
    "export": (
        "followup-tui export --format csv -o board.csv",
        "followup-tui export --format json -o backup.json",
        "followup-tui export --format ics -o due.ics    # the due notes for a calendar app",
        "followup-tui export --format report --since 2026-09-01 -o applications.md",
    ),
    "stats": ("followup-tui stats --since 2026-01-01",),
    "sync": ("followup-tui sync --watch",),
    "doctor": ("followup-tui doctor --json",),
    "due": ("followup-tui due --all",),
    "compose": (
        "followup-tui compose acme                # the suggested letter",
        "followup-tui compose acme follow-up --sent",
        'xdg-open "$(followup-tui compose acme --mailto)"   # into your mail client',
    ),
    "answered": (
        'followup-tui answered acme --note "Deciding next week" --promised-by "in 7 days"',
    ),
    "round": ('followup-tui round acme --at "next tuesday 10:00" --round second --duration 3h',),
    "templates": ("followup-tui templates --install", "followup-tui templates --placeholders"),
    "profile": ('followup-tui profile --name "Sam Doe" --signature "Sam Doe\\n+1 555 0100"',),
    "attach": ("followup-tui attach acme ~/cv/resume-v3.pdf --name resume.pdf",),
    "attachment": ("followup-tui attachment acme resume.pdf -o ~/Desktop/resume.pdf",),
    "detach": ("followup-tui detach acme resume.pdf",),
    "people": ("followup-tui people", "followup-tui people initech --json"),
    "offers": (
        "followup-tui offers          # soonest deadline first",
        "followup-tui offers --all --json",
    ),
    "remind": (
        "followup-tui remind --dry-run   # what it would remind of; records nothing",
        "followup-tui remind --install   # every hour, by a systemd user timer or cron",
    ),
    "completion": (
        "followup-tui completion bash > ~/.local/share/bash-completion/completions/followup-tui",
        "followup-tui completion zsh > ~/.zfunc/_followup-tui",
        "followup-tui completion fish > ~/.config/fish/completions/followup-tui.fish",
    ),
    "info": ("followup-tui info", "followup-tui info --json"),
    "demo": ("followup-tui demo         # a sample board; nothing is kept",),
}

MAIN_EXAMPLES = (
    "followup-tui                          # open the board",
    "followup-tui demo                     # try it on sample cards",
    "followup-tui due                      # what to write today",
    "followup-tui COMMAND --help           # each command, with an example",
)


class ExampleFormatter(argparse.HelpFormatter):
    """argparse's own formatter, except that the examples keep their lines as typed."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith(("example:", "examples:")):
            return "".join(indent + line + "\n" for line in text.splitlines()).rstrip("\n")
        return super()._fill_text(text, width, indent)


def epilog(lines: tuple[str, ...]) -> str:
    title = "example:" if len(lines) == 1 else "examples:"
    return title + "\n" + "\n".join(f"  {line}" for line in lines)


def add_examples(parser: argparse.ArgumentParser) -> None:
    """Give the parser and each of its commands an example under their help (and a card's
    positional `id` its meaning)."""
    parser.epilog = epilog(MAIN_EXAMPLES)
    parser.formatter_class = ExampleFormatter
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, command in action.choices.items():
                for argument in command._actions:
                    if argument.dest == "id" and not argument.option_strings and not argument.help:
                        argument.help = "the card: any unique start of its id, or its company"
                lines = EXAMPLES.get(name)
                if lines:
                    command.epilog = epilog(lines)
                    command.formatter_class = ExampleFormatter


def commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """Every command of the parser, by name."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}
