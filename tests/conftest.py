"""Shared fixtures and helpers for every room of the tests: real vaults in temp folders,
"laptops" (one config dir each), the CLI's one-line errors, and the sample boards the app's tests
open.

Every test gets its own config dir and passphrase file through the environment, so nothing
touches the user's real config, and two laptops can share one vault folder.

Test modules import the helpers here as `from conftest import ...` (tests/ is on the path, see
`[tool.pytest.ini_options]`); the conftest.py of a room (tests/tui/, tests/e2e/, ...) holds only
fixtures. No test module imports another test module. This file must never import Textual or
the app at its top: the store's and the sync's tests run without them.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from terminal import WAIT

from store.cards.model import Interviewer

if TYPE_CHECKING:
    from textual.app import App
    from textual.pilot import Pilot

    from store.cards.board import Board
    from store.vault.session import Session
    from sync.folder import SyncedSession
    from tui.app import FollowupApp
    from tui.board.screen import BoardScreen

# pytest imports this file as `tests.conftest` (`--import-mode=importlib`), test modules by the
# name `conftest`: let both names be this one module, or each would get a copy of its own, with
# classes of its own. pytest drops the name `conftest` before it loads a room's conftest.py, so
# the name is set again after each.
sys.modules["conftest"] = sys.modules[__name__]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print what a test recorded as its `summary` property (the adversary's schedule count
    and seed): a test's own print is lost when the suite runs on several workers."""
    for report in terminalreporter.stats.get("passed", []):
        for name, value in getattr(report, "user_properties", ()):
            if name == "summary" and report.when == "call":
                terminalreporter.write_line(str(value))


def pytest_plugin_registered(plugin: object) -> None:
    sys.modules["conftest"] = sys.modules[__name__]


PASSPHRASE = "correct horse battery staple"
PROJECT_DIR = Path(__file__).resolve().parent.parent  # the checkout: where `tui`, `store` live


def require_tool(name: str) -> str:
    """The path of a tool a test needs: skip without it, but fail in CI (CI=true)."""
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is required in CI but is not installed (.ci/run installs it)")
    pytest.skip(f"{name} is not installed")
    raise AssertionError  # unreachable


def require_kernel_keyring() -> None:
    """Skip a test that needs the kernel keyring (stay unlocked) where there is none; fail in
    CI. The probe is this process's own key: parallel workers never unlink each other's."""
    from store.vault import keyring

    probe = f"followup-test-probe-{os.getpid()}"
    try:
        keyring.keep(probe, b"probe", b"p" * 32, 60)
        keyring.forget(probe)
    except keyring.KeyringUnavailable as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the kernel keyring is needed in CI: {exc}")
        pytest.skip(str(exc))


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class Laptop:
    """One device: its config dir and passphrase file. `cli()` runs a command in-process."""

    name: str
    config_dir: Path
    password_file: Path
    vault: Path

    def env(self) -> dict[str, str]:
        return {
            "FOLLOWUP_CONFIG_DIR": str(self.config_dir),
            "FOLLOWUP_PASSWORD_FILE": str(self.password_file),
        }

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        saved = {k: os.environ.get(k) for k in (*self.env(), "FOLLOWUP_PASSWORD_COMMAND")}
        os.environ.update(self.env())
        os.environ.pop("FOLLOWUP_PASSWORD_COMMAND", None)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def cli(self, *args: str) -> Result:
        from tui.cli import main

        out, err = io.StringIO(), io.StringIO()
        with self.active(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--vault", str(self.vault), *args])
            except SystemExit as exit_:
                code = int(exit_.code or 0)
        return Result(code, out.getvalue(), err.getvalue())

    def session(self) -> Session:
        from store.config import Config
        from store.vault.crypto import Vault
        from store.vault.session import Session

        with self.active():
            config = Config.load()
            config.device_name = self.name
            config.save()
            return Session.open(Vault.unlock(self.vault, PASSPHRASE), config)


def synced(laptop: Laptop) -> SyncedSession:
    """The laptop's vault opened as the app opens it: a session that merges the synced folder."""
    from store.config import Config
    from store.vault.crypto import Vault
    from sync.folder import open_folder

    with laptop.active():
        config = Config.load()
        if config.device_name != laptop.name:
            config.device_name = laptop.name
            config.save()
        return open_folder(Vault.unlock(laptop.vault, PASSPHRASE), config)


@dataclass
class Watch:
    """`followup-tui sync --watch` running as a user starts it, and every line it has printed
    so far (read on threads of their own, so a full pipe never blocks it)."""

    process: subprocess.Popen[str]
    out: list[str]
    err: list[str]

    def stop(self, stop_signal: int = signal.SIGTERM) -> int:
        """Send `stop_signal` and wait for the exit status. A watch still running 30 s later
        is killed (by its own id) and the test fails: nothing is left running."""
        self.process.send_signal(stop_signal)
        try:
            return self.process.wait(timeout=30)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()


def start_watch(laptop: Laptop, sigint_ignored: bool = False) -> Watch:
    """Start the laptop's `sync --watch` from the installed console script. `sigint_ignored`:
    as a shell script's background job starts it (and as a test worker may have it)."""
    env = {**os.environ, **laptop.env(), "PYTHONUNBUFFERED": "1"}
    script = Path(sys.executable).with_name("followup-tui")
    process = subprocess.Popen(
        [str(script), "--vault", str(laptop.vault), "sync", "--watch"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
        env=env,
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
        if sigint_ignored
        else None,
    )
    watch = Watch(process, [], [])
    for stream, lines in ((process.stdout, watch.out), (process.stderr, watch.err)):
        threading.Thread(target=lambda s=stream, ls=lines: ls.extend(s), daemon=True).start()
    return watch


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def make_laptop(tmp_path: Path, vault_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """`make_laptop("a")` → a Laptop on the shared vault folder (the first one creates it)."""
    monkeypatch.delenv("FOLLOWUP_PASSWORD_COMMAND", raising=False)
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE + "\n")

    def make(name: str, vault: Path | None = None) -> Laptop:
        laptop = Laptop(name, tmp_path / f"config-{name}", secret, vault or vault_dir)
        if not (laptop.vault / "vault.json").exists():
            result = laptop.cli("init", str(laptop.vault), "--device-name", name)
            assert result.code == 0, result.err
        return laptop

    return make


@pytest.fixture
def laptop(make_laptop) -> Laptop:
    """One laptop with a fresh vault, its env active for the whole test."""
    a = make_laptop("a")
    with a.active():
        yield a


@pytest.fixture
def terminal(tmp_path: Path):
    """A tmux server of our own (tests/terminal.py), killed after the test."""
    import secrets
    import subprocess

    from terminal import Terminal

    tmux = require_tool("tmux")
    term = Terminal(
        tmux, f"followup-test-{os.getpid()}-{secrets.token_hex(4)}", tmp_path / "exit-status"
    )
    try:
        yield term
    finally:
        subprocess.run([tmux, "-L", term.socket, "kill-server"], capture_output=True, timeout=30)


# --- the CLI's answers ---------------------------------------------------------------------------

ESCAPES = "Evil\x1b]0;PWNED\x07\x1b[31mRED\x1b[2J\x08\rCorp\u202eRTL\x9b2J"  # a hostile name


def assert_error(result: Result, *words: str, code: int = 1) -> None:
    """A user error: exit 1, nothing on stdout, exactly one line on stderr saying what."""
    assert result.code == code, result
    assert result.out == ""
    assert result.err.endswith("\n") and result.err.count("\n") == 1, result.err
    assert result.err.startswith("followup-tui: ")
    assert "Traceback" not in result.err
    for word in words:
        assert word in result.err, result.err


def add(laptop: Laptop, company: str = "Acme", *args: str) -> str:
    result = laptop.cli("add", "--company", company, *args)
    assert result.code == 0, result.err
    assert result.out.count("\n") == 1  # the id and nothing else
    return result.out.strip()


def shown(laptop: Any, card_id: str) -> dict[str, Any]:
    """The card as a separate process reads it from the vault."""
    result = laptop.cli("show", card_id, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


# --- the sample board the app's tests open -------------------------------------------------------

NOW = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
SIZE = (120, 36)


# company, role, stage, days since the interview, extra fields
SAMPLE: list[tuple[str, str, str, int, dict[str, Any]]] = [
    (
        "Acme",
        "Backend developer",
        "interviewed",
        1,
        {
            "interviewers": [Interviewer("Ann Lee", "CTO", "ann@acme.io")],
            "tags": ["remote", "python"],
            "key_points": ["Their move to event sourcing", "On-call once a month"],
            "questions": ["How would you shard the orders table?"],
            "links": ["https://acme.example/jobs/42"],
            "contact_email": "jobs@acme.example",
            "round": "second",
            "notes": "Ann liked the migration story.",
        },
    ),
    ("Globex", "Data engineer", "interviewed", 3, {"tags": ["hybrid"]}),
    ("Initech", "SRE", "thanked", 5, {"interviewers": [Interviewer("Bill Lumbergh")]}),
    ("Umbrella", "Staff engineer", "waiting", 9, {}),
    ("Hooli", "Frontend developer", "waiting", 12, {}),
    ("Stark Industries", "Engineering manager", "followed-up", 16, {}),
    ("Wayne Enterprises", "Platform engineer", "closed", 30, {"outcome": "rejected"}),
]


def fixed_now() -> datetime:
    return NOW


def add_sample_cards(session: Session) -> dict[str, str]:
    """The sample board; returns company → card id."""

    def add(board: Any) -> dict[str, str]:
        ids = {}
        for company, role, stage, days, extra in SAMPLE:
            when = NOW - timedelta(days=days)
            fields = {"company": company, "role": role, "interviewed_at": when, **extra}
            card_id = board.add(fields, at=when)
            if stage != "interviewed":
                board.move(
                    card_id, stage, outcome=extra.get("outcome"), at=when + timedelta(hours=5)
                )
            ids[company] = card_id
        return ids

    return session.change(add)


def predictable_ids(session: Session) -> Session:
    """Cards added from now on get ids from a counter (c00000000001, ...): a snapshot shows the
    same ids on every run."""
    counter = itertools.count(1)
    session.board._make_id = lambda: f"c{next(counter):011d}"  # type: ignore[method-assign]
    return session


def make_app(
    session: Session, *, now: Callable[[], datetime] = fixed_now, **kwargs: Any
) -> FollowupApp:
    """The real app on an open session, at a fixed moment, with a cursor that does not blink."""
    from tui.app import FollowupApp

    return FollowupApp(session=session, now=now, cursor_blink=False, **kwargs)


async def until(pilot: Pilot, what: str, done: Callable[[], bool]) -> None:
    """Let the app run until `done()`: a loaded machine takes its time, a broken app fails."""
    deadline = time.monotonic() + WAIT
    while not done():
        assert time.monotonic() < deadline, f"the app never showed {what} in {WAIT:.0f} s"
        await pilot.pause(0.05)


async def wait_for_screen(pilot: Pilot, screen_id: str) -> None:
    """Unlocking runs in a worker thread (Argon2id): wait until its screen shows up."""

    def showing() -> bool:
        screen = pilot.app.screen
        return screen.id == screen_id and screen.is_mounted

    await until(pilot, f"the screen {screen_id!r}", showing)
    await pilot.pause()  # its widgets mount after it does


async def wait_for_text(pilot: Pilot, selector: str, text: str) -> str:
    """What the widget at `selector` shows, once it shows `text`."""

    def said() -> bool:
        widget = pilot.app.screen.query_one(selector)
        return text in str(widget.render()) and widget.display

    await until(pilot, f"{selector} saying {text!r}", said)
    return str(pilot.app.screen.query_one(selector).render())


def board_screen(app: FollowupApp) -> BoardScreen:
    """The board, which must be the screen showing now."""
    from tui.board.screen import BoardScreen

    assert isinstance(app.screen, BoardScreen), app.screen
    return app.screen


def notices(app: App[Any]) -> str:
    """Every notification the app has shown and not yet dismissed, one a line."""
    return "\n".join(str(notice.message) for notice in app._notifications)


def palette_highlights(app: App[Any], command: str) -> bool:
    """The command palette has searched all that was typed and highlights `command`.

    The palette searches in a worker and shows its hits in batches (every quarter second):
    Enter before the last search is done picks from an older list, or from none.
    """
    from textual.command import CommandList, CommandPalette

    palette = app.screen
    if not isinstance(palette, CommandPalette):
        return False
    if any(worker.node is palette and not worker.is_finished for worker in app.workers):
        return False
    hits = palette.query_one(CommandList)
    highlighted = hits.highlighted_option
    return highlighted is not None and command in str(highlighted.prompt)


# --- the story of a search, for the insight numbers ------------------------------------------------


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def tell_the_story(board: Board) -> None:
    """Eight applications whose stories exercise every number (times in UTC)."""

    def card(company: str, interviewed: str | None, created: str, **fields) -> str:
        values = {"company": company, **fields}
        if interviewed:
            values["interviewed_at"] = at(interviewed)
        return board.add(values, at=at(created))

    acme = card("Acme", "2025-03-03T10:00", "2025-03-03T10:00")
    board.log(acme, "note_sent", at=at("2025-03-03T18:00"), template="thank-you")  # 8 h
    board.move(acme, "thanked", at=at("2025-03-03T18:00"))
    board.log(acme, "answered", at=at("2025-03-10T10:00"))  # 7 days
    board.move(acme, "closed", outcome="offer", at=at("2025-03-12T10:00"))

    globex = card("Globex", "2025-03-05T09:00", "2025-03-05T09:00")
    board.log(globex, "note_sent", at=at("2025-03-07T09:00"), template="thank-you")  # 48 h
    board.move(globex, "thanked", at=at("2025-03-07T09:00"))
    board.move(globex, "waiting", at=at("2025-03-08T09:00"))
    # due on the 7th day after the last contact (the thank-you, 03-07): 03-14, sent that day
    board.log(globex, "note_sent", at=at("2025-03-14T12:00"), template="follow-up")
    board.move(globex, "followed-up", at=at("2025-03-14T12:00"))
    board.move(globex, "closed", outcome="rejected", at=at("2025-03-20T09:00"))  # 15 days

    initech = card(
        "Initech", "2025-03-10T14:00", "2025-03-10T14:00", promised_by=at("2025-03-17T00:00")
    )
    board.move(initech, "waiting", at=at("2025-03-11T09:00"))
    # due the day after the promised date (03-18); sent on 03-20: late
    board.log(initech, "note_sent", at=at("2025-03-20T10:00"), template="follow-up")
    board.move(initech, "followed-up", at=at("2025-03-20T10:00"))

    hooli = card("Hooli", "2025-04-01T10:00", "2025-04-01T10:00")
    board.move(hooli, "thanked", at=at("2025-04-01T20:00"))  # no note recorded: the move, 10 h
    board.move(hooli, "followed-up", at=at("2025-04-15T10:00"))  # due 04-08: late
    board.move(hooli, "closed", outcome="no-answer", at=at("2025-05-01T10:00"))

    umbrella = card("Umbrella", "2025-05-01T10:00", "2025-05-01T10:00")
    board.log(umbrella, "answered", at=at("2025-05-04T10:00"))  # 3 days
    board.move(umbrella, "closed", outcome="withdrew", at=at("2025-05-05T10:00"))

    # imported as already rejected: an answer, but no moment to measure
    card("Soylent", "2025-02-01T10:00", "2025-05-10T10:00", stage="closed", outcome="rejected")
    card("Stark", None, "2025-05-20T10:00")
    trashed = card("Trashed", "2025-03-01T10:00", "2025-03-01T10:00")
    board.delete(trashed)
