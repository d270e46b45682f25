"""`followup-tui remind`: tell the user what fell due while the board was closed.

Run every hour by the timer `--install` sets up (`tui/cli/timer.py`). Each note or interview is
reminded once when it falls due, and an overdue note again at most once a day; a missed run
catches up (`store.notes.reminders`). A reminder is a desktop notification (`tui/cli/desktop.py`)
or, where there is no desktop, one line on stdout. `--json` prints the reminders for a script to
show instead; `--dry-run` shows what would be reminded and records nothing.

What was reminded is kept in this device's config dir, never in the vault. It is written before
anything is shown, so a config dir that cannot be written is one error line and no reminder,
rather than the same reminders every hour.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from store.config import Config
from store.notes.due import OFFER_DEADLINE, board_items
from store.notes.reminders import REMINDED_KINDS, Reminder, ReminderLog, pick, remembered
from tui.cli.context import open_session, vault_path
from tui.cli.desktop import Notice, deliver
from tui.cli.lines import card_title, clip
from tui.cli.notes import due_line, load_templates, when_width
from tui.cli.timer import install, schedule_for, uninstall

MAX_NOTIFICATIONS = 5  # more at once are one summary: a first run must not bury the desktop
COMPANY_WIDTH = 30  # each company named in that summary


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "remind",
        help="desktop notifications for notes and interviews that fell due (run hourly)",
        description="Reminds once of each note or interview that fell due since the last "
        "reminder on this device, and of an overdue note at most once a day: a desktop "
        "notification, or a line on stdout without a desktop. --install runs it every hour "
        "(a systemd user timer, or a crontab line); --uninstall removes that.",
    )
    p.add_argument("--json", action="store_true", help="print the reminders as JSON instead")
    p.add_argument(
        "--dry-run", action="store_true", help="show what would be reminded; record nothing"
    )
    setup = p.add_mutually_exclusive_group()
    setup.add_argument("--install", action="store_true", help="run remind every hour")
    setup.add_argument("--uninstall", action="store_true", help="undo --install")
    p.set_defaults(func=cmd_remind)


def notice(reminder: Reminder, now: datetime) -> Notice:
    item, card = reminder.item, reminder.item.card
    what = card_title(card)  # a notification shows a few lines: a 5,000-character role is cut
    if item.kind == "interview":
        return Notice(f"Interview {item.relative(now, None)}", f"{what} ({item.describe()})")
    if item.kind == OFFER_DEADLINE:
        return Notice(
            f"{item.title}: {item.relative(now, None)}",
            f"{what}\nfollowup-tui offers",
            urgent=reminder.reason == "overdue",
        )
    return Notice(
        f"{item.title}: {item.relative(now, None)}",
        f"{what}\nfollowup-tui compose {card.id} {item.template}",
        urgent=reminder.reason == "overdue",
    )


def _summary(reminders: list[Reminder]) -> Notice:
    return Notice(
        f"followup-tui: {len(reminders)} more due",
        ", ".join(clip(r.item.card.company, COMPANY_WIDTH) for r in reminders[:6])
        + (" …" if len(reminders) > 6 else "")
        + "\nfollowup-tui due lists them all.",
    )


def cmd_remind(args: argparse.Namespace) -> int:
    if args.install or args.uninstall:
        return _set_up(args)
    session = open_session(args.vault)
    templates = load_templates(session, warn=not args.json)
    now = datetime.now(UTC)
    items = board_items(
        session.board.all(), templates.everything(), now, None, kinds=REMINDED_KINDS
    )
    log_file = ReminderLog(session.config.dir)
    log = log_file.read()
    reminders = pick(items, log, now, None)
    if not args.dry_run:
        log_file.write(remembered(log, reminders, items, now))  # before anything is shown
    if log_file.problem:  # after the write: one that fails says it all in its one line
        print(f"followup-tui: warning: {log_file.problem}.", file=sys.stderr)
    if args.json:
        shown = [{**r.item.to_json(now, None), "reason": r.reason} for r in reminders]
        json.dump(shown, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    width = when_width([r.item for r in reminders], now)
    if args.dry_run:
        for reminder in reminders:
            print(f"would remind: {due_line(reminder.item, now, width)}")
        if not reminders:
            print("Nothing to remind of.", file=sys.stderr)
        return 0
    notices = [(notice(r, now), due_line(r.item, now, width)) for r in reminders]
    if len(notices) > MAX_NOTIFICATIONS:
        rest = reminders[MAX_NOTIFICATIONS - 1 :]
        lines = "\n".join(line for _, line in notices[MAX_NOTIFICATIONS - 1 :])
        notices = [*notices[: MAX_NOTIFICATIONS - 1], (_summary(rest), lines)]
    how = deliver(notices, print, lambda text: print(f"followup-tui: {text}", file=sys.stderr))
    if how == "desktop" and notices and sys.stderr.isatty():
        count = len(reminders)
        print(f"Reminded of {count} {'item' if count == 1 else 'items'}.", file=sys.stderr)
    return 0


def _set_up(args: argparse.Namespace) -> int:
    config = Config.load()
    if args.uninstall:
        told = uninstall(config.dir)
    else:
        vault = vault_path(args.vault, config)
        schedule = schedule_for(vault, config.dir)
        # The passphrase the timer will use does unlock this vault (a key kept by `unlock`
        # would pass this check and be gone when the timer runs).
        open_session(args.vault, kept=False)
        told = install(schedule, config.dir)
    for line in told:
        print(line)
    return 0
