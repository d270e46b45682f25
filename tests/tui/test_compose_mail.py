"""`m` in compose: the letter handed to a mail client (a `mail_command`, or a mailto: URL
through the desktop's opener), then "did it go out?" — only a yes records it as sent. The mail
programs here are real executables on PATH that record what they were given."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from conftest import make_app, notices, shown, until

from store.cards.model import Interviewer
from tui.app import FollowupApp
from tui.followups.ask import AskScreen
from tui.followups.compose import ComposeScreen
from tui.handoff.mailto import MAILTO_LIMIT

INTERVIEW = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)
SIZE = (130, 40)


@pytest.fixture
def session(laptop):
    session = laptop.session()
    session.config.profile = {"name": "Sam Döe", "email": "sam@example.org"}
    return session


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder first on PATH, for stand-in programs; no desktop clipboard unless a test says."""
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}:/usr/bin:/bin")
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "WSL_DISTRO_NAME", "WSL_INTEROP"):
        monkeypatch.delenv(name, raising=False)
    return folder


def program(folder: Path, name: str, body: str) -> Path:
    script = folder / name
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return script


def add_card(session, **extra: Any) -> str:
    fields = {
        "company": "Acme",
        "role": "Backend dev",
        "interviewed_at": INTERVIEW,
        "interviewers": [Interviewer("Änne Lee", "CTO", "ann@acme.io")],
        **extra,
    }
    return session.change(lambda board: board.add(fields, at=INTERVIEW))


def sent_events(laptop, card_id: str) -> list[dict[str, Any]]:
    return [e for e in shown(laptop, card_id)["timeline"] if e["kind"] == "note_sent"]


def asking(app: FollowupApp) -> AskScreen | None:
    return app.screen if isinstance(app.screen, AskScreen) else None


async def open_compose(app: FollowupApp, pilot) -> ComposeScreen:
    await pilot.press("c")
    await pilot.pause()
    compose = app.screen
    assert isinstance(compose, ComposeScreen)
    assert compose.template_name == "thank-you"
    return compose


async def test_a_mail_command_gets_the_message_file_and_only_a_yes_records_it_as_sent(
    laptop, session, bin_dir: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "saved.eml"
    program(bin_dir, "fake-mutt", f'cp "$2" "{saved}"\necho "$2" > "{saved}.path"\n')
    session.config.mail_command = "fake-mutt -H {file}"
    card_id = add_card(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        compose = await open_compose(app, pilot)
        assert compose.to == "Änne Lee <ann@acme.io>"
        await pilot.press("m")
        await until(pilot, "the sent? question", lambda: asking(app))
        assert "Did the note to Änne Lee <ann@acme.io> go out?" in asking(app).question
        message = email.message_from_bytes(saved.read_bytes(), policy=policy.default)
        assert message["To"] == "Änne Lee <ann@acme.io>"
        assert message["Subject"] == "Thank you — Backend dev interview"
        assert message["From"] == "Sam Döe <sam@example.org>"
        assert message.get_content().startswith("Dear Änne,")
        file = Path(Path(f"{saved}.path").read_text().strip())
        assert not file.exists() and laptop.vault not in file.parents  # gone, never in the vault
        assert sent_events(laptop, card_id) == []  # nothing yet: the question is open
        await pilot.press("y")
        await pilot.pause()
        assert not isinstance(app.screen, ComposeScreen)  # back on the board
    (sent,) = sent_events(laptop, card_id)
    assert sent["to"] == "Änne Lee <ann@acme.io>"
    assert sent["text"].startswith("Dear Änne,")
    assert shown(laptop, card_id)["stage"] == "thanked"


async def test_no_to_the_question_records_nothing(laptop, session, bin_dir: Path) -> None:
    program(bin_dir, "fake-mutt", "exit 0\n")
    session.config.mail_command = "fake-mutt -H {file}"
    card_id = add_card(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_compose(app, pilot)
        await pilot.press("m")
        await until(pilot, "the sent? question", lambda: asking(app))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ComposeScreen)
        assert "Not recorded as sent" in notices(app)
    assert sent_events(laptop, card_id) == []
    assert shown(laptop, card_id)["stage"] == "interviewed"


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("fake-mutt -H {file}", "fake-mutt exited with status 3: no such mailbox"),
        ("no-such-mailer {file}", "no-such-mailer: no such program; check mail_command"),
        ("fake-mutt 'unclosed {file}", "mail_command cannot be read"),
    ],
)
async def test_a_mail_command_that_fails_or_is_missing_is_one_line_and_records_nothing(
    laptop, session, bin_dir: Path, command: str, said: str
) -> None:
    program(bin_dir, "fake-mutt", 'echo "starting" >&2\necho "no such mailbox" >&2\nexit 3\n')
    session.config.mail_command = command
    card_id = add_card(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_compose(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        assert asking(app) is None and isinstance(app.screen, ComposeScreen)
        assert said in notices(app)
    assert sent_events(laptop, card_id) == []


async def test_a_command_that_sends_by_itself_runs_only_after_a_yes(
    laptop, session, bin_dir: Path, tmp_path: Path
) -> None:
    got = tmp_path / "msmtp-got"
    program(bin_dir, "msmtp", f'echo "$@" > "{got}.args"\ncat > "{got}"\n')
    session.config.mail_command = "msmtp -t"
    card_id = add_card(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_compose(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        assert "Send this note to Änne Lee <ann@acme.io> now?" in asking(app).question
        await pilot.press("n")  # not now: msmtp never ran
        await pilot.pause()
        assert not got.exists()
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("y")  # send it
        await until(pilot, "the question", lambda: asking(app) and "go out" in asking(app).question)
        message = email.message_from_bytes(got.read_bytes(), policy=policy.default)
        assert message["To"] == "Änne Lee <ann@acme.io>"  # the message came on stdin
        assert Path(f"{got}.args").read_text().split() == ["-t"]
        await pilot.press("y")
        await pilot.pause()
    assert [e["to"] for e in sent_events(laptop, card_id)] == ["Änne Lee <ann@acme.io>"]


async def test_without_a_mail_command_the_mailto_url_goes_to_xdg_open(
    laptop, session, bin_dir: Path, tmp_path: Path
) -> None:
    got = tmp_path / "opened"
    program(bin_dir, "xdg-open", f'printf "%s" "$1" > "{got}"\n')
    card_id = add_card(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        compose = await open_compose(app, pilot)
        await pilot.press("t")  # a different address on the To: line
        line = compose.query_one("#compose-to")
        line.value = ""
        await pilot.press(*"hr@acme.io", "enter")
        await pilot.press("m")
        await until(pilot, "the sent? question", lambda: asking(app))
        url = urlsplit(got.read_text())
        assert url.scheme == "mailto" and url.path == "hr@acme.io"
        fields = dict(pair.split("=", 1) for pair in url.query.split("&"))
        assert unquote(fields["subject"]) == "Thank you — Backend dev interview"
        assert unquote(fields["body"]) == compose.note.body.replace("\n", "\r\n")
        await pilot.press("y")
        await pilot.pause()
    assert [e["to"] for e in sent_events(laptop, card_id)] == ["hr@acme.io"]


async def test_a_body_too_long_for_a_url_goes_to_the_clipboard_and_the_url_keeps_the_rest(
    laptop, session, bin_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    got = tmp_path / "opened"
    clipboard = tmp_path / "clipboard"
    program(bin_dir, "xdg-open", f'printf "%s" "$1" > "{got}"\n')
    program(bin_dir, "wl-copy", f'cat > "{clipboard}"\n')
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-test")
    add_card(session, key_points=["ä" * 300 + f" point {n}" for n in range(4)])
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        compose = await open_compose(app, pilot)
        await pilot.press("m")
        await until(pilot, "the sent? question", lambda: asking(app))
        url = got.read_text()
        assert len(url) <= MAILTO_LIMIT and "body=" not in url and "subject=" in url
        assert clipboard.read_text() == compose.note.body
        assert "too long for a mailto: link" in notices(app)


async def test_a_missing_opener_says_what_to_set(laptop, session, bin_dir, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(bin_dir))  # no xdg-open anywhere
    card_id = add_card(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_compose(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        assert asking(app) is None
        assert "No xdg-open to open a mailto: link: set mail_command" in notices(app)
    assert sent_events(laptop, card_id) == []


async def test_a_bad_address_on_the_to_line_stops_before_anything_runs(
    laptop, session, bin_dir: Path, tmp_path: Path
) -> None:
    ran = tmp_path / "ran"
    program(bin_dir, "xdg-open", f'touch "{ran}"\n')
    add_card(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        compose = await open_compose(app, pilot)
        compose.query_one("#compose-to").value = "ann at acme"
        await pilot.press("m")
        await pilot.pause()
        assert "'ann at acme' is not an e-mail address" in notices(app)
    assert not ran.exists()


async def test_y_copies_through_the_system_clipboard_and_osc52(
    laptop, session, bin_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clipboard = tmp_path / "clipboard"
    program(bin_dir, "xclip", f'cat > "{clipboard}"\n')
    monkeypatch.setenv("DISPLAY", ":0")
    add_card(session)
    app = make_app(session)
    async with app.run_test(size=SIZE) as pilot:
        compose = await open_compose(app, pilot)
        await pilot.press("y")
        await pilot.pause()
        assert clipboard.read_text() == compose.note.body
        assert app.clipboard == compose.note.body  # and by OSC 52
        assert "through xclip, and OSC 52" in notices(app)
