"""The compose screen's hand-off of a letter to the mail client and the clipboard (`m`, `y`).

`m`: the `mail_command` of config.yaml (a sending one such as `msmtp -t` only after a yes), or
the letter's `mailto:` URL through the desktop's opener; a body too long for a URL goes to the
clipboard and the URL carries To and Subject. Then it asks "did the note go out?" and only a
yes records it as sent (`record`, given by the screen). The message file a command reads is
removed once that question is answered (a windowed client may read it late).

`y`: OSC 52 and the system clipboard tool, with one notice saying which way it went.

Must never record a letter without a yes, never run a sending program without a yes, and never
leave a message file behind (the screen calls `forget` when it closes).
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from textual.app import SuspendNotSupported
from textual.screen import Screen

from store.errors import FollowupError
from store.notes.templates import Note, Template
from tui.context import AppContext
from tui.followups.ask import AskScreen
from tui.handoff import clipboard, mail, message
from tui.handoff.mailto import MAILTO_LIMIT, addresses, fits, mailto_url


@dataclass(frozen=True)
class Letter:
    """One letter as it will be handed on: the note (edited or not) and its To: line."""

    card_id: str
    template: Template
    note: Note
    to: str


class MailHandOff:
    def __init__(
        self, screen: Screen[Any], context: AppContext, record: Callable[[Letter], None]
    ) -> None:
        self.screen = screen
        self.context = context
        self.record = record
        self.files: set[Path] = set()  # message files still waiting for their question
        self.opening = False  # a client is being started beside the board: one at a time

    # --- y ------------------------------------------------------------------------------------

    def copy(self, text: str, what: str = "The note") -> clipboard.Copied:
        copied = clipboard.copy(text, self.screen.app.copy_to_clipboard)
        self.screen.notify(
            copied.notice(what),
            title="Copied",
            severity="information" if copied.problem is None else "warning",
            timeout=8,
        )
        return copied

    # --- m ------------------------------------------------------------------------------------

    def mail(self, letter: Letter) -> None:
        if self.opening:
            self.screen.notify("Still opening the mail client…", title="Mail", timeout=4)
            return
        try:
            addresses(letter.to)  # a typo on the To: line is said before anything runs
            command = mail.mail_command(self.context.config)
        except FollowupError as exc:
            self._failed(str(exc))
            return
        if command is None:
            self._mailto(letter)
        elif command.sends:
            if not letter.to.strip():
                self._failed("The To: line is empty: add an address before sending.")
                return

            def answered(yes: bool | None) -> None:
                if yes:
                    self._run(command, letter)
                else:
                    self.screen.notify("Nothing was sent.", title="Not sent")

            self.screen.app.push_screen(
                AskScreen(
                    f"Send this note to {letter.to} now?",
                    f"{command.program} sends it at once; there is no draft to look at first.",
                    yes=f"send it now with {command.program}",
                    no="not now",
                ),
                answered,
            )
        else:
            self._run(command, letter)

    def _message(self, letter: Letter) -> bytes:
        profile = self.context.config.profile
        sender = (
            (profile.get("name", ""), profile.get("email", "")) if profile.get("email") else None
        )
        now = self.context.now().astimezone(UTC)
        return message.message_bytes(letter.to, letter.note.subject, letter.note.body, sender, now)

    def _run(self, command: mail.MailCommand, letter: Letter) -> None:
        file: Path | None = None
        try:
            data = self._message(letter)
            if command.uses_file:
                file = message.write_private(
                    data, self.context.session.vault.path, self.context.config.dir / "tmp"
                )
            url = mailto_url(letter.to, letter.note.subject, letter.note.body)
            argv = command.argv(file, url)
            stdin = data if command.uses_stdin else None
            if command.waits:
                mail.run_waiting(argv, stdin, self._in_terminal)
            else:
                self._beside(argv, stdin, "mail_command", letter, command.program, file)
                return
        except FollowupError as exc:
            message.remove(file)
            self._failed(str(exc))
            return
        message.remove(file)  # the program has exited: it is done with the file
        self.ask_sent(letter, command.program)

    def _in_terminal(self, run: Callable[[], subprocess.CompletedProcess[bytes] | OSError]) -> Any:
        """Hand the terminal to a terminal mail client and take it back (as for $EDITOR)."""
        try:
            with self.screen.app.suspend():
                return run()
        except SuspendNotSupported:  # a headless app (tests): the program simply runs
            return run()

    def _mailto(self, letter: Letter) -> None:
        try:
            argv = mail.opener()
        except FollowupError as exc:
            self._failed(str(exc))
            return
        url = mailto_url(letter.to, letter.note.subject, letter.note.body)
        if not fits(url):
            url = mailto_url(letter.to, letter.note.subject, None)
            copied = clipboard.copy(letter.note.body, self.screen.app.copy_to_clipboard)
            self.screen.notify(
                f"The note is too long for a mailto: link ({MAILTO_LIMIT:,} characters at "
                "most): the link carries To and Subject. "
                + copied.notice("Its body")
                + " Paste it into the message.",
                title="Paste the body",
                severity="warning",
                timeout=15,
            )
        self._beside([*argv, url], None, "the mailto: opener", letter, "your mail app", None, url)

    def _beside(
        self,
        argv: list[str],
        stdin: bytes | None,
        setting: str,
        letter: Letter,
        how: str,
        file: Path | None,
        url: str | None = None,
    ) -> None:
        """Start a windowed client (or the opener) off the screen's thread, then ask. A `url`
        the opener was given is not repeated in full in its error message."""
        app = self.screen.app
        if file is not None:
            self.files.add(file)
        self.opening = True

        def start() -> None:
            try:
                mail.start_beside(argv, stdin, setting, hide=url)
            except FollowupError as exc:
                app.call_from_thread(self._start_failed, str(exc), file)
            else:
                app.call_from_thread(self.ask_sent, letter, how, file)

        self.screen.notify(f"Opening {how}…", title="Mail", timeout=4)
        self.screen.run_worker(start, thread=True, group="mail", exit_on_error=False)

    def _start_failed(self, text: str, file: Path | None) -> None:
        self.opening = False
        self._drop(file)
        self._failed(text)

    def ask_sent(self, letter: Letter, how: str, file: Path | None = None) -> None:
        """The question after the hand-off: only a yes records the letter as sent."""
        self.opening = False
        if file is not None:
            self.files.add(file)
        to = f" to {letter.to}" if letter.to.strip() else ""

        def answered(yes: bool | None) -> None:
            self._drop(file)
            if yes:
                self.record(letter)
            else:
                self.screen.notify(
                    "Not recorded as sent; s marks it sent once it has gone out.",
                    title="Not sent",
                )

        self.screen.app.push_screen(
            AskScreen(
                f"Did the note{to} go out?",
                f"It was handed to {how}. Only a yes records it on the card as sent.",
                yes="yes: record it as sent (the card moves on)",
                no="no, not yet",
            ),
            answered,
        )

    def _failed(self, text: str) -> None:
        self.screen.notify(
            text, title="Not handed to the mail client", severity="error", timeout=12
        )

    def _drop(self, file: Path | None) -> None:
        if file is not None:
            self.files.discard(file)
            message.remove(file)

    def forget(self) -> None:
        """The screen is closing: remove every message file still waiting."""
        for file in list(self.files):
            self._drop(file)
