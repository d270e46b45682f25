"""The commands that move cards in and out and look at the whole search: import, export, stats.

`import` is a dry run unless `--apply`: it reads the file, says what it would create, update
and skip (with line numbers), and writes nothing, not even this device's replica. With
`--apply` every good row goes in one `Session.change`: one write, however many rows.
Every export is plaintext: a file it writes is created 0600, and one inside the (synced) vault
folder is refused; `export --format json` (a whole backup) also warns on stderr. `--format
report` and `activity` are the record of the search over `--since`/`--until`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime, time
from pathlib import Path
from typing import TextIO

from store.cards.board import Board
from store.cards.dates import parse_day
from store.config import Config
from store.errors import BadValue, FollowupError, WriteFailed
from store.language import preferred_date_order
from store.notes.due import DueRule
from store.notes.templates import TemplateSet
from store.transfer import exporter, importer, record, stats
from store.transfer.export_file import (
    PLAINTEXT_WARNING,
    Export,
    check_destination,
    export_board,
    write_export,
)
from store.transfer.invitation import looks_like_calendar
from store.untrusted import MAX_IMPORT_BYTES
from store.vault.crypto import Vault
from store.vault.session import Session
from tui.cli.context import ask_passphrase, open_session, take_stdin, vault_path
from tui.cli.invitations import add_invitation_options, check_not_for_csv, import_invitation

SHOW_UPDATES = 30  # a dry run lists this many updates, then counts the rest


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "import",
        help="import cards from a CSV file, a JSON backup or an interview invitation (.ics); "
        "a dry run unless --apply",
        description="Reads FILE (- reads stdin) and shows what it would create, update and "
        "skip; writes only with --apply. Importing the same file again creates no duplicates. "
        "An invitation makes a card, or the next round of a company's open card.",
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("--apply", action="store_true", help="write the good rows (skip bad ones)")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar='"COLUMN=field"',
        help="read COLUMN as field (or 'ignore'); may be repeated",
    )
    p.add_argument(
        "--date-order",
        choices=importer.DATE_ORDERS,
        default="auto",
        help="how to read 03/04/2025: dmy, mdy, or auto (from the file's own dates)",
    )
    p.add_argument("--format", choices=("auto", "csv", "json", "ics"), default="auto", dest="kind")
    add_invitation_options(p)
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser(
        "export",
        help="write the board as CSV, a JSON backup, Markdown or ICS, or the record of the search",
        description="Every export is plaintext: a file it writes is readable by you alone "
        "(0600). --format report (Markdown) and activity (CSV: date, company, role, event, "
        "detail) list every application, interview, stage change, note sent, answer and "
        "outcome in the period, in date order.",
    )
    p.add_argument("--format", choices=(*exporter.FORMATS, *record.FORMATS), required=True)
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of stdout")
    p.add_argument("--all", action="store_true", help="csv/md: include cards in the trash")
    p.add_argument("--since", metavar="DATE", help="report/activity: from this day on")
    p.add_argument("--until", metavar="DATE", help="report/activity: up to this day, included")
    p.set_defaults(func=cmd_export)

    p = subparsers.add_parser("stats", help="how the search is going: funnel, answers, timing")
    p.add_argument("--json", action="store_true")
    p.add_argument("--since", metavar="DATE", help="only interviews on or after DATE")
    p.set_defaults(func=cmd_stats)


# --- import -------------------------------------------------------------------------------------


def _progress(stream: TextIO) -> Callable[[str, int, int], None]:
    """Progress on stderr for big files: a rewritten line on a terminal, a few lines otherwise."""
    tty = stream.isatty()
    shown: dict[str, int] = {}

    def report(step: str, done: int, total: int) -> None:
        if total < 1000:
            return
        if tty:
            end = "\n" if done >= total else ""
            stream.write(f"\r{step}: {done:,}/{total:,}{end}")
        else:
            tenth = done * 10 // total
            if shown.get(step, -1) >= tenth:
                return
            shown[step] = tenth
            stream.write(f"{step}: {done:,}/{total:,}\n")
        stream.flush()

    return report


def _open_without_writing(explicit_vault: str | None) -> Session:
    """The vault as it is, merged in memory only: a dry run must leave every file alone."""
    config = Config.load()
    path = vault_path(explicit_vault, config)
    Vault.read_header(path)
    session = Session(Vault.unlock(path, ask_passphrase()), config)
    session.load_own()
    session.merge_folder()
    return session


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}" + ("" if count == 1 else "s")


def report_plan(plan: importer.Plan, applied: bool, out: TextIO) -> None:
    source = plan.source
    for note in source.notes:
        print(note, file=out)
    if source.kind == "backup":
        print(
            f"{source.name}: a followup-tui backup of {_plural(len(source.states), 'card')}.",
            file=out,
        )
    created, updated = _plural(plan.created, "card"), f"{plan.updated:,}"
    verb = ("Created", "updated") if applied else ("Would create", "update")
    line = f"{verb[0]} {created} and {verb[1]} {updated} ({plan.unchanged:,} unchanged)"
    if plan.skipped:
        line += f"; {_plural(len(plan.skipped), 'row')} skipped:"
    print(line + ("" if plan.skipped else "."), file=out)
    for problem in plan.skipped:
        print(f"  {problem}", file=out)
    if plan.templates:
        restored = "Restored" if applied else "Would restore"
        print(
            f"{restored} {_plural(len(plan.templates), 'template')}: {', '.join(plan.templates)}.",
            file=out,
        )
    if plan.update:
        print("Updates:", file=out)
        for update in plan.update[:SHOW_UPDATES]:
            print(f"  {update.describe()}", file=out)
        if len(plan.update) > SHOW_UPDATES:
            print(f"  … and {len(plan.update) - SHOW_UPDATES:,} more", file=out)
    for kept in plan.kept:
        print(f"  {kept}", file=out)
    for note in plan.earlier[:SHOW_UPDATES]:  # before re-applying: "you were there before"
        print(f"note: {note}", file=sys.stderr)
    if len(plan.earlier) > SHOW_UPDATES:
        print(f"note: … and {len(plan.earlier) - SHOW_UPDATES:,} more", file=sys.stderr)
    if not applied:
        print("Dry run: nothing was written. Run again with --apply to import.", file=out)


def _import_bytes(source: str) -> bytes:
    """FILE's bytes, or stdin's for `-` (then the passphrase cannot come from stdin too)."""
    if source != "-":
        return importer.read_input(Path(source))
    take_stdin()
    data = sys.stdin.buffer.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise FollowupError("stdin: over the 512 MB an import may read; nothing was imported.")
    return data


def _is_invitation(args: argparse.Namespace, data: bytes) -> bool:
    if args.kind != "auto":
        return bool(args.kind == "ics")
    suffix = Path(args.file).suffix.lower()
    return suffix in (".ics", ".ical", ".ifb", ".vcs") or looks_like_calendar(data)


def cmd_import(args: argparse.Namespace) -> int:
    data = _import_bytes(args.file)
    name = "stdin" if args.file == "-" else args.file
    if _is_invitation(args, data):
        if args.map:
            raise BadValue("--map is for CSV files, not an invitation.")
        return import_invitation(args, data, name, _open_without_writing)
    check_not_for_csv(args)
    progress = _progress(sys.stderr)
    mapping = importer.parse_mapping(args.map)
    config = Config.load()
    preferred = preferred_date_order(config.date_order, config.language)
    source = importer.read_source(
        Path(name), mapping, args.date_order, args.kind, progress, preferred, data
    )
    if not args.apply:
        session = _open_without_writing(args.vault)
        report_plan(
            importer.plan(session.board, source, session.vault.templates_dir), False, sys.stdout
        )
        return 0
    session = open_session(args.vault)
    templates_dir = session.vault.templates_dir

    def run(board: Board) -> importer.Plan:
        # Planned under the lock, against the board as it is now, so no row is applied twice.
        the_plan = importer.plan(board, source, templates_dir)
        importer.apply(board, the_plan, progress)
        if the_plan.created + the_plan.updated >= 1000:
            print("writing the vault…", file=sys.stderr, flush=True)
        return the_plan

    the_plan = session.change(run)
    if the_plan.templates:
        try:
            the_plan.templates = importer.restore_templates(
                templates_dir, source, the_plan.templates
            )
        except WriteFailed as exc:  # the cards are in: say so, and what was not restored
            print(f"followup-tui: warning: templates not restored: {exc}", file=sys.stderr)
            the_plan.templates = []
    report_plan(the_plan, True, sys.stdout)
    return 0


# --- export -------------------------------------------------------------------------------------


def _period(args: argparse.Namespace) -> record.Period:
    """The period of a report or activity export; a bad day or range is one line, before
    the vault is opened."""
    if args.format not in record.FORMATS:
        if args.since or args.until:
            raise BadValue("--since and --until are for --format report or activity.")
        return record.Period()
    since = parse_day(args.since) if args.since else None
    until = parse_day(args.until) if args.until else None
    return record.Period(since, until)


def _record(session: Session, fmt: str, period: record.Period, now: datetime) -> Export:
    """The dated record of the search (a report, or the activity as a spreadsheet)."""
    found = record.steps(session.board.all(), period, now)
    if fmt == "report":
        name = session.config.profile.get("name", "")
        return Export(fmt, record.to_report(found, period, now, name=name), len(found), "entry")
    return Export(fmt, record.to_activity(found), len(found), "entry")


def cmd_export(args: argparse.Namespace) -> int:
    period = _period(args)
    session = open_session(args.vault)
    output = Path(args.output).expanduser() if args.output else None
    if output is not None:
        check_destination(output, session.vault.path)
    now = datetime.now(UTC)
    if args.format in record.FORMATS:
        export = _record(session, args.format, period, now)
    else:
        export = export_board(session, args.format, args.all, now)
    if args.format == "json":
        print(f"followup-tui: WARNING: {PLAINTEXT_WARNING}", file=sys.stderr)
    if output is None:
        sys.stdout.write(export.text)
        sys.stdout.flush()
        return 0
    write_export(output, export)  # a pipe or a device is written into, not replaced
    print(f"Wrote {export.summary} to {output}.", file=sys.stderr)
    return 0


# --- stats --------------------------------------------------------------------------------------


def _since(text: str | None) -> datetime | None:
    if not text:
        return None
    day = parse_day(text, order=Config.load().date_reading)
    return datetime.combine(day, time(0, 0)).astimezone()


def follow_up_rules(session: Session) -> dict[str, tuple[DueRule, ...]]:
    """The due rules of the vault's follow-up templates (the user may have edited them)."""
    templates = TemplateSet.for_vault(session.vault.path)
    return {t.name: t.due for t in templates if t.name.startswith(stats.FOLLOW_UP)}


def cmd_stats(args: argparse.Namespace) -> int:
    since = _since(args.since)
    session = open_session(args.vault)
    now = datetime.now(UTC)
    result = stats.compute(
        session.board.all(), now=now, since=since, follow_up_rules=follow_up_rules(session)
    )
    if args.json:
        json.dump(result.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(stats.render_text(result))
    return 0
