"""The sync commands: `sync` (merge once), `sync --watch` (headless, until interrupted), `doctor`.

`sync --watch` is for an always-on machine: it merges what arrives and logs one line per
event. `doctor` only looks (it merges in memory, writes nothing) and exits 1 when something
needs the user: an unreadable replica, a conflict copy, an unknown file, a template error, a
rollback or a copied config the next command will act on, an emptied folder, a clock far
ahead. `doctor --accept-empty` is the one thing it changes, in this device's config dir only:
an emptied folder the user meant to empty.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from store.config import Config
from store.notes.templates import TemplateSet
from store.vault.crypto import Vault
from sync.blobs import BlobSurvey, prune, settle_copies, survey
from sync.doctor import Diagnosis, ago, diagnose
from sync.folder import SyncedSession, open_folder
from sync.loop import Applied, run
from tui.cli.context import apply_device_name, ask_passphrase, open_session, vault_path


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sync", help="merge the other devices' replicas now (or keep merging with --watch)"
    )
    p.add_argument(
        "--watch", action="store_true", help="keep watching the folder until interrupted (Ctrl-C)"
    )
    p.set_defaults(func=cmd_sync)

    p = subparsers.add_parser(
        "doctor", help="check the vault folder: devices, unreadable files, conflict copies"
    )
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--accept-empty",
        action="store_true",
        help="the folder's replicas are gone on purpose: let this device start over",
    )
    p.add_argument(
        "--prune",
        action="store_true",
        help="remove attachment blobs no card refers to (only when every laptop has synced)",
    )
    p.set_defaults(func=cmd_doctor)


def _synced(session: object) -> SyncedSession:
    assert isinstance(session, SyncedSession), "open_unlocked must return a SyncedSession"
    return session


def _names(session: SyncedSession, paths: list[Path]) -> str:
    """`work-laptop, home` for the replicas merged (conflict copies by their file name)."""
    from sync.names import Kind, classify

    out = []
    for path in paths:
        name = classify(path, session.device)
        if name.kind is Kind.CONFLICT:
            out.append(path.name)
        elif name.device:
            out.append(session.board.device_name(name.device))
    return ", ".join(dict.fromkeys(out))


def _cards(changed: set[str]) -> str:
    count = len({c for c in changed if not c.startswith("<")})
    return f"{count} card{'s' if count != 1 else ''} changed"


def describe(applied: Applied, session: SyncedSession) -> list[str]:
    """The log lines for one applied batch (`sync --watch`)."""
    lines = []
    if applied.merged:
        what = f"merged {_names(session, applied.merged)}: {_cards(applied.changed)}"
        if applied.persisted:
            what += "; our replica saved"
        lines.append(what)
    elif applied.changed:
        lines.append(f"merged another process's write: {_cards(applied.changed)}")
    lines.extend(f"removed conflict copy {p.name} (merged)" for p in applied.removed)
    lines.extend(f"cannot read {p.name}: {r}" for p, r in applied.unreadable.items())
    lines.extend(f"{p.name} reads fine again" for p in applied.recovered)
    if applied.templates:
        lines.append("templates changed: " + ", ".join(p.name for p in applied.templates))
    if applied.error:
        lines.append(f"not saved: {applied.error}")
    return lines


def _log(line: str) -> None:
    print(f"{datetime.now():%H:%M:%S} {line}", flush=True)


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """systemd and `kill` send SIGTERM: stop as cleanly as on Ctrl-C. And Ctrl-C stops, as
    the line says, even in a process started with SIGINT ignored (a shell script's background
    job passes that on): the terminal sends it only to the job in the foreground anyway."""
    previous = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread (tests driving main() from a thread)
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous[0])
        signal.signal(signal.SIGINT, previous[1])


class CalendarOnWatch:
    """`calendar_file` kept current while `sync` runs: after the merge, after each batch, and
    every five minutes (interviews end, reminders stop), on the thread that owns the session."""

    def __init__(self, session: SyncedSession) -> None:
        from store.transfer.calendar_file import CalendarFile

        self.session = session
        self.file = CalendarFile.from_config(session.config, session.vault.path)
        self.templates = TemplateSet.for_vault(session.vault.path) if self.file else None

    def templates_changed(self, paths: tuple[Path, ...]) -> None:
        if self.templates is not None:
            for path in paths:
                if path == self.templates.folder:
                    self.templates.reload_all()
                else:
                    self.templates.reload(path)

    def refresh(self, say: Callable[[str], None]) -> None:
        if self.file is None or self.templates is None:
            return
        state = (self.session.board.version, self.templates.version)
        if not self.file.stale(state, time.monotonic()):
            return
        done = self.file.refresh(self.session.board.all(), self.templates.all(), datetime.now(UTC))
        if done.error and not done.repeated:
            say(f"calendar not written: {done.error}")
        elif done.written:
            say(f"calendar written: {self.file.setting}")


def cmd_sync(args: argparse.Namespace) -> int:
    session = _synced(open_session(args.vault))
    merged = _names(session, session.merged_files) or "no other replica"
    summary = f"Merged {merged}: {_cards(session.changed_at_open)}"
    if session.saved_at_open:
        summary += "; our replica saved"
    if session.removed_at_open:
        summary += f"; removed {len(session.removed_at_open)} merged conflict cop"
        summary += "ies" if len(session.removed_at_open) != 1 else "y"
    print(summary + ".", file=sys.stderr)
    for line in settle_copies(session.vault):  # conflict copies of attachment blobs
        print(f"followup-tui: {line}", file=sys.stderr)
    for path, reason in sorted(session.problems.items()):
        print(f"followup-tui: {path.name}: {reason}", file=sys.stderr)
    if session.stignore_problem:
        print(f"followup-tui: {session.stignore_problem}", file=sys.stderr)
    calendar = CalendarOnWatch(session)
    calendar.refresh(lambda line: print(f"followup-tui: {line}", file=sys.stderr))
    if not args.watch:
        return 0
    stop = threading.Event()

    def applied(batch: Applied) -> None:
        for line in describe(batch, session):
            _log(line)
        calendar.templates_changed(batch.templates)

    with _stop_on_signals(stop), contextlib.suppress(KeyboardInterrupt):
        run(
            session,
            stop,
            on_applied=applied,
            ready=lambda: print(
                f"Watching {session.vault.path} (Ctrl-C stops).", file=sys.stderr, flush=True
            ),
            on_idle=(lambda: calendar.refresh(_log)) if calendar.file else None,
        )
    print("Stopped watching.", file=sys.stderr)
    return 0


def template_errors(session: SyncedSession) -> list[str]:
    """Each template file that is not in use, with its file and line (the loader's words)."""
    templates = TemplateSet.for_vault(session.vault.path, remember=False)  # doctor only looks
    return [f"{problem} ({templates.in_use(problem.path)})" for problem in templates.problems()]


def cmd_doctor(args: argparse.Namespace) -> int:
    config = Config.load()
    apply_device_name(config)
    path = vault_path(args.vault, config)
    Vault.read_header(path)
    vault = Vault.unlock(path, ask_passphrase())
    session = open_folder(vault, config, tidy=False)
    if args.accept_empty:
        if session.folder_emptied():
            session.accept_empty()
            print(
                "Accepted: this device no longer waits for the replicas that were in the "
                "folder; its next write starts a new one.",
                file=sys.stderr,
            )
        else:
            print("Nothing to accept: the folder is not emptied.", file=sys.stderr)
    diagnosis = diagnose(session, template_errors(session))
    pruned = prune_lines(session) if args.prune else []
    blobs = survey(session)  # attachments/ (issue 14)
    attention = [*diagnosis.attention, *blobs.attention]
    if args.json:
        data = diagnosis.to_json()
        data["attachments"] = blobs.to_json()
        data["attention"] = attention
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        lines = report_lines(diagnosis)
        lines[-1:-1] = attachment_lines(blobs)
        lines[-1] = _attention_line(attention)
        print("\n".join([*pruned, *lines]))
    return 1 if attention else 0


def _attention_line(attention: list[str]) -> str:
    if not attention:
        return "All good."
    count = len(attention)
    return "1 thing needs attention." if count == 1 else f"{count} things need attention."


def attachment_lines(blobs: BlobSurvey) -> list[str]:
    """The `doctor` section on attachments/: missing blobs, orphans, conflict copies."""
    lines = [f"Attachments: {len(blobs.present)} blob{'s' if len(blobs.present) != 1 else ''}"]
    lines += _subsection(
        "Not synced yet",
        [f"{w.card.company} ({w.card.id}): {w.attachment.name}" for w in blobs.missing],
    )
    lines += _subsection(
        "No card refers to",
        [f"{p.name} — `followup-tui doctor --prune` removes it" for p in blobs.orphans],
    )
    lines += _subsection(
        "Conflict copies", [f"{p.name} — `followup-tui sync` settles it" for p in blobs.copies]
    )
    if blobs.unknown:
        lines += _subsection("Unknown files", [p.name for p in blobs.unknown])
    return lines


def _subsection(title: str, items: list[str]) -> list[str]:
    """A section inside another: its items one step further in than its title, so they do not
    read as sections of their own."""
    return [f"  {line}" for line in _section(title, items)]


def prune_lines(session: SyncedSession) -> list[str]:
    """`doctor --prune`: remove orphan blobs, saying what went and what was kept."""
    removed, kept = prune(session)
    lines = [f"Removed attachments/{p.name} (no card refers to it)." for p in removed]
    lines += [
        f"Kept attachments/{p.name}: it arrived minutes ago, its card may still be on the way."
        for p in kept
    ]
    if not removed and not kept:
        lines.append("No orphan blobs to prune.")
    return lines


def _section(title: str, items: list[str], empty: str = "none") -> list[str]:
    return [f"{title}:", *(f"  {item}" for item in items)] if items else [f"{title}: {empty}"]


def report_lines(diagnosis: Diagnosis) -> list[str]:
    lines = [f"Vault: {diagnosis.vault}"]
    rows: list[str] = []
    for row in diagnosis.devices:
        if row.this_device:
            when = "this device"
        elif row.unreadable:  # its file's time would read as a sync that went well
            when = "replica unreadable (below)"
            if row.last_seen:
                when += f"; last read {ago(row.last_seen)}"
        else:
            when = f"last seen {ago(row.last_seen)}"
        if row.last_seen and not row.this_device:
            when += f" ({row.last_seen.astimezone():%Y-%m-%d %H:%M})"
        if not row.has_replica:
            when += "; no replica in the folder"
        if row.copied_from:
            when += f"; began as a copy of {row.copied_name} ({row.copied_from})"
        copies = [r for r in diagnosis.devices if r.copied_from == row.device]
        when += "".join(f"; {r.name} ({r.device}) began as a copy of it" for r in copies)
        rows.append(f"{row.name:<20} {row.device}  {when}")
    lines += _section("Devices", rows)
    if diagnosis.findings:  # "none" here would read as a verdict, and the last line is that
        lines += _section("Needs acting on", diagnosis.findings)
    if diagnosis.blocked:
        lines.append(f"Replicas: {diagnosis.blocked}")
    lines += _section("Clocks", diagnosis.clocks, empty="ok")
    lines += _section(
        "Unreadable replicas", [f"{p.name}: {r}" for p, r in diagnosis.unreadable.items()]
    )
    lines += _section(
        "Conflict copies",
        [
            f"{c.path.name}: {c.problem or 'merges cleanly; `followup-tui sync` removes it'}"
            for c in diagnosis.conflict_copies
        ],
    )
    lines += _section("Unknown files in replicas/", [p.name for p in diagnosis.unknown])
    lines.append(f".stignore: {diagnosis.stignore or 'ok'}")
    lines += _section("Template errors", diagnosis.template_errors or [])
    lines += _section("This device's history", diagnosis.history)
    lines.append(
        f"Cards: {diagnosis.cards}"
        + (
            f" ({diagnosis.conflicted_cards} with edits to resolve)"
            if diagnosis.conflicted_cards
            else ""
        )
    )
    attention = diagnosis.attention
    if attention:
        count = len(attention)
        lines.append(
            "1 thing needs attention." if count == 1 else f"{count} things need attention."
        )
    else:
        lines.append("All good.")
    return lines
