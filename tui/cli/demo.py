"""`followup-tui demo`: the board on a sample search, to try the app in ten seconds.

A real vault of realistic cards (interviews, letters sent, answers, an offer and a rejection),
made in a folder of its own under the system's temp dir with a random passphrase that never
leaves memory, and a config dir of its own in that folder: nothing is asked, nothing is
written to the user's config or vault, and the folder is removed when the demo ends, however
it ends (quit, an error, Ctrl-C, the terminal closed, SIGTERM). Only a SIGKILL leaves it
behind, in the temp dir, which the system clears.

Works from `pipx run followup-tui demo` / `uvx followup-tui demo`: it needs nothing set up.
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import secrets
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

PREFIX = "followup-demo-"
PROFILE = {"name": "Sam Doe", "signature": "Sam Doe\n+1 555 0100", "email": "sam@example.org"}


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "demo",
        help="the board on sample cards in a temp folder (nothing is kept)",
        description="Opens the board on a sample search: a vault of realistic cards in a temp "
        "folder, no passphrase, nothing written to your config; removed when you quit.",
    )
    p.set_defaults(func=cmd_demo, draws_the_app=True)


class _Folder:
    """The demo's temp folder, removed exactly once however the process ends."""

    def __init__(self) -> None:
        self.path = Path(tempfile.mkdtemp(prefix=PREFIX))
        self._removed = False

    def remove(self) -> None:
        if not self._removed:
            self._removed = True
            shutil.rmtree(self.path, ignore_errors=True)


@contextlib.contextmanager
def _ending_cleanly(folder: _Folder) -> Iterator[None]:
    """Remove the folder at the end, and on the signals that end a process politely: SIGTERM
    and SIGHUP become a clean exit (the app's own handlers take over while it runs)."""

    def stop(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    atexit.register(folder.remove)
    saved = {}
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            with contextlib.suppress(ValueError):  # not the main thread (a test)
                saved[number] = signal.signal(number, stop)
    try:
        yield
    finally:
        folder.remove()
        for number, handler in saved.items():
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(number, handler)
        atexit.unregister(folder.remove)


def cmd_demo(args: argparse.Namespace) -> int:
    folder = _Folder()
    with _ending_cleanly(folder):
        session = open_demo(folder.path)
        return run_demo(session)


def open_demo(folder: Path) -> Any:  # -> store.vault.session.Session
    """A vault of sample cards in `folder`, opened, with its own config dir there."""
    # Every read of the config from here on (the app's, the templates' last good copies, the
    # crash log) goes to the demo's own folder, never the user's.
    os.environ["FOLLOWUP_CONFIG_DIR"] = str(folder / "config")
    for name in ("FOLLOWUP_PASSWORD_FILE", "FOLLOWUP_PASSWORD_COMMAND"):
        os.environ.pop(name, None)  # the user's passphrase source is for their own vault
    from store.config import Config
    from store.notes.templates import TemplateSet, install_defaults
    from store.vault.crypto import Vault
    from tui.launch import open_unlocked

    vault_path = folder / "vault"
    vault = Vault.create(vault_path, secrets.token_urlsafe(32))  # kept in memory only
    install_defaults(vault_path)
    config = Config.load()
    config.vault = str(vault_path)
    config.device_name = "demo laptop"
    config.profile = dict(PROFILE)
    config.save()
    session = open_unlocked(vault, config)
    templates = TemplateSet.for_vault(vault_path)
    session.change(lambda board: tell_the_story(board, templates, datetime.now(UTC)))
    return session


def run_demo(session: Any) -> int:
    """The board on the demo's session until the user quits (or a signal ends it)."""
    import asyncio

    import tui.app
    from tui.app import FollowupApp
    from tui.crash import crash_line

    class DemoApp(FollowupApp):
        """The app, with SIGTERM and SIGHUP ending it like `q` (then the folder goes)."""

        TITLE = "followup (demo: nothing is kept)"
        CSS_PATH = str(Path(tui.app.__file__).with_name("app.tcss"))  # not beside this file

        def on_mount(self) -> None:  # Textual runs the app's own on_mount too, first
            loop = asyncio.get_running_loop()
            for name in ("SIGTERM", "SIGHUP"):
                number = getattr(signal, name, None)
                if number is not None:
                    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                        loop.add_signal_handler(number, self.exit)
            self.notify(
                "A sample search in a temp folder: try anything. It is all removed when "
                "you quit (q).",
                title="Demo",
                timeout=8,
            )

    app = DemoApp(session=session)
    app.run()
    if app.crash is not None:
        # The demo's folder goes, crash.log with it: keep a copy where it can be sent.
        kept = Path(tempfile.gettempdir()) / "followup-demo-crash.log"
        with contextlib.suppress(OSError):
            shutil.copyfile(app.crash.log, kept)
            os.chmod(kept, 0o600)
        print(crash_line(app.crash.error, str(kept)), file=sys.stderr)
        return 70
    return int(app.return_code or 0)


# --- the sample search ------------------------------------------------------------------------


def tell_the_story(board: Any, templates: Any, now: datetime) -> None:
    """Ten applications at every step of the advice: a thank-you due and one late, follow-ups
    due after a week of silence and after a promised date, an answer, a next round, an offer
    to reply to, a rejection to answer graciously, and an interview still to come."""
    from store.cards.fields import parse_person
    from store.notes.flow import record_answer, record_learned, record_round, record_sent

    def day(days_ago: int, hour: int = 10, minute: int = 0) -> datetime:
        local = (now.astimezone() - timedelta(days=days_ago)).date()
        return datetime.combine(local, time(hour, minute)).astimezone().astimezone(UTC)

    def card(company: str, role: str, interviewed: datetime, **fields: Any) -> str:
        people = [parse_person(p) for p in fields.pop("people", ())]
        values = {"company": company, "role": role, "interviewed_at": interviewed, **fields}
        if people:
            values["interviewers"] = people
        return board.add(values, at=min(interviewed, now))

    def sent(card_id: str, template: str, at: datetime) -> None:
        chosen = templates.get(template)
        note = chosen.render(board.card(card_id), PROFILE, at, None)
        record_sent(board, card_id, chosen, note, at=at)

    def waiting(
        company: str,
        role: str,
        interviewed: datetime,
        *,
        thanked: datetime,
        waited: datetime,
        **fields: Any,
    ) -> str:
        """A card thanked after the interview and then waiting for an answer: where most of a
        search stands for a while."""
        card_id = card(company, role, interviewed, **fields)
        sent(card_id, "thank-you", thanked)
        board.move(card_id, "waiting", at=waited)
        return card_id

    acme = card(
        "Acme Robotics",
        "Backend developer",
        day(0, 9, 30) if now.astimezone().hour >= 11 else day(1, 14),
        people=["Ann Lee, CTO <ann@acme-robotics.example>", "Bo Chen, Staff engineer"],
        key_points=["Their move to event sourcing", "On-call once a month, well paid"],
        questions=["How would you shard the orders table?"],
        links=["https://acme-robotics.example/jobs/42"],
        tags=["remote", "python"],
        notes="Ann liked the migration story. Ask about the team's roadmap.",
    )
    board.edit(acme, {"contact_email": "jobs@acme-robotics.example"})

    card(
        "Globex",
        "Data engineer",
        day(2, 15),
        people=["Hank Scorpio, VP Engineering <hank@globex.example>"],
        key_points=["A new streaming platform, launching in spring"],
        tags=["hybrid"],
    )

    initech = card(
        "Initech",
        "Site reliability engineer",
        day(9, 11),
        people=["Bill Lumbergh, Director <bill@initech.example>"],
        promised_by=day(3).date(),
        key_points=["Their incident reviews are blameless"],
    )
    sent(initech, "thank-you", day(9, 18))

    waiting(
        "Umbrella Health",
        "Staff engineer",
        day(11, 10),
        thanked=day(10, 9),
        waited=day(10, 9, 5),
        people=["Alice Abernathy, Head of Platform"],
        key_points=["A monolith to split, carefully"],
    )

    hooli = waiting(
        "Hooli",
        "Frontend developer",
        day(20, 14),
        thanked=day(20, 19),
        waited=day(19),
        people=["Gavin Belson, CEO <gavin@hooli.example>"],
        key_points=["Design systems across twelve products"],
    )
    sent(hooli, "follow-up", day(12, 9))

    stark = card(
        "Stark Industries",
        "Engineering manager",
        day(8, 13),
        people=["Pepper Potts, COO <pepper@stark.example>"],
        key_points=["A team of nine, two of them new"],
    )
    sent(stark, "thank-you", day(8, 20))
    record_answer(
        board,
        stark,
        "They are deciding between two candidates; an answer next week.",
        promised_by=day(-5).date(),
        at=day(2, 16),
    )
    record_round(board, stark, day(-2, 10), "final, on site", at=day(1, 9))

    wayne = waiting(
        "Wayne Enterprises",
        "Platform engineer",
        day(25, 10),
        thanked=day(25, 17),
        waited=day(24),
        people=["Lucius Fox, CTO <lucius@wayne.example>"],
    )
    board.move(wayne, "closed", outcome="rejected")
    record_learned(board, wayne, "Prepare a system design story with numbers: load, latency, cost.")

    soylent = waiting(
        "Soylent",
        "Product engineer",
        day(15, 10),
        thanked=day(15, 16),
        waited=day(14),
        people=["Sol Roth, Head of Product"],
    )
    board.move(soylent, "closed", outcome="offer", at=now - timedelta(hours=3))
    offer = {"salary": "85000", "currency": "EUR", "bonus": "10% target"}
    board.edit(soylent, {**offer, "answer_by": day(-5).date()})  # the offers screen (O)

    cyberdyne = card("Cyberdyne Systems", "Machine learning engineer", day(40, 10))
    board.move(cyberdyne, "closed", outcome="withdrew", at=day(30))

    card(
        "Tyrell Corporation",
        "Backend developer",
        day(-1, 10),
        people=["Eldon Tyrell, Founder"],
        notes="Read their engineering blog before the interview.",
    )
