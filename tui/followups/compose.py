"""Composing a note (`c` on a card, or enter on Today), recording answers, closing as rejected.

The compose screen lists the templates, the suggested one first (what is due on the card,
then those serving its stage, then the rest), and previews the note rendered from the card
and the profile. `e` edits it in `$VISUAL`/`$EDITOR` (the app suspends; the text goes through
a temp file outside the vault, deleted afterwards), `y` copies it to the clipboard (OSC 52,
works over SSH), `s` marks it as sent: the exact text goes on the card's timeline and the card
moves on (interviewed → thanked, waiting → followed-up). Edits are kept per template while the
screen is open, so looking at another template loses nothing.

A template that fails to load shows its file and line here while its last good version keeps
working; one that fails to render for this card shows why and cannot be sent.

Must never write the vault other than through `Session.change`, and never leave a note's text
in a temp file or anywhere inside the vault.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import subprocess
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from store.cards.dates import parse_day
from store.cards.model import Card
from store.errors import FollowupError, UnknownCard
from store.notes.due import DueItem, card_items
from store.notes.flow import record_answer, record_learned, record_sent
from store.notes.templates import Note, Template, TemplateError, TemplateSet
from store.vault.session import Session
from tui.followups.today import TZ, app_templates, reload_templates
from tui.widgets.fitting_footer import FittingFooter

if TYPE_CHECKING:
    from tui.board.screen import BoardScreen


# --- the editor -----------------------------------------------------------------------------------


def editor_command() -> list[str]:
    command = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    try:
        parts = shlex.split(command)
    except ValueError:
        raise FollowupError(f"Cannot read $EDITOR ({command!r}); set it to a command.") from None
    if not parts:
        raise FollowupError("$EDITOR is empty; set it to a command, e.g. nano.")
    return parts


def _temp_folder(vault: Path) -> Path | None:
    """The system temp folder, unless it lies inside the (synced) vault."""
    folder = Path(tempfile.gettempdir()).resolve()
    try:
        folder.relative_to(Path(vault).resolve())
    except ValueError:
        return folder
    return None


def edit_text(app: App[Any], text: str, vault: Path) -> str:
    """Let the user edit `text` in their editor; return what they saved.

    The app hands the terminal to the editor (App.suspend) and takes it back; where the
    terminal cannot be handed over (a headless test), the editor simply runs.
    """
    command = editor_command()
    folder = _temp_folder(vault)
    if folder is None:
        from store.config import config_dir

        folder = config_dir()
        folder.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix="followup-note-", suffix=".txt", dir=folder)
    path = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        try:
            with app.suspend():
                # Textual takes the terminal back only when this block ends normally: an error
                # escaping it (an editor that does not exist) would leave a blank, dead screen.
                result = _run_editor([*command, str(path)], quiet=False)
        except SuspendNotSupported:
            result = _run_editor([*command, str(path)], quiet=True)
        if isinstance(result, FileNotFoundError):
            raise FollowupError(f"Editor {command[0]!r} not found; set $EDITOR (e.g. EDITOR=nano).")
        if isinstance(result, OSError):
            raise FollowupError(f"Cannot run {command[0]!r} ({result.strerror or result}).")
        if result.returncode != 0:
            raise FollowupError(
                f"The editor exited with status {result.returncode}; the note was not changed."
            )
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise FollowupError(f"Cannot read the edited note back ({exc}).") from None
    finally:
        with contextlib.suppress(OSError):
            path.unlink()


def _run_editor(argv: list[str], quiet: bool) -> subprocess.CompletedProcess[bytes] | OSError:
    """Run the editor; an editor that cannot start is returned, not raised (see `edit_text`)."""
    try:
        if quiet:
            return subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        return subprocess.run(argv, check=False)
    except OSError as exc:
        return exc


# --- compose ----------------------------------------------------------------------------------------


class ComposeScreen(Screen[str | None]):
    """Returns the card id when a note was recorded as sent (the board repaints it)."""

    CSS_PATH = "compose.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", id="compose-edit", tooltip="Edit the note in $EDITOR"),
        Binding("y", "copy", "Copy", id="compose-copy", tooltip="Copy the note (OSC 52)"),
        Binding(
            "s",
            "send",
            "Mark sent",
            id="compose-sent",
            tooltip="Log the exact text on the card and move the card on",
        ),
        Binding(
            "r",
            "reload",
            "Reload",
            id="compose-reload",
            tooltip="Read the template again and drop your edits of this note",
        ),
        Binding("escape", "close", "Back", id="compose-close", tooltip="Leave without sending"),
    ]

    def __init__(
        self,
        session: Session,
        card_id: str,
        now: Callable[[], datetime],
        template: str | None = None,
    ) -> None:
        super().__init__(id="compose")
        self.session = session
        self.card_id = card_id
        self.now = now
        self.wanted = template
        self.order: list[str] = []
        self.edited: dict[str, Note] = {}
        self.note: Note | None = None
        self.problem: str | None = None
        self._templates_version = -1
        self._board_version = -1
        self.due: dict[str, DueItem] = {}  # the notes this card owes now, by template

    # --- reading -------------------------------------------------------------------------------

    @property
    def templates(self) -> TemplateSet:
        return app_templates(self.app, self.session)

    @property
    def card(self) -> Card:
        return self.session.board.card(self.card_id)

    @property
    def template_name(self) -> str | None:
        options = self.query_one("#compose-templates", OptionList)
        index = options.highlighted
        return self.order[index] if index is not None and 0 <= index < len(self.order) else None

    @property
    def template(self) -> Template | None:
        name = self.template_name
        if name is None:
            return None
        try:
            return self.templates.get(name)
        except FollowupError:
            return None

    # --- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="compose-title")
        with Horizontal(id="compose-main"):
            with Vertical(id="compose-side"):
                yield Label("Templates", classes="compose-heading")
                yield OptionList(id="compose-templates")
                yield Static(id="compose-rule")
            with Vertical(id="compose-pane"):
                yield Static(id="compose-problem")
                yield Static(id="compose-subject")
                with VerticalScroll(id="compose-scroll"):
                    yield Static(id="compose-body")
                yield Static(id="compose-state")
        yield FittingFooter()

    def on_mount(self) -> None:
        reload_templates(self.app)
        self.show_templates(self.wanted)
        self.query_one("#compose-templates", OptionList).focus()
        self.set_interval(1.0, self._follow)

    def _follow(self) -> None:
        """Live: a template file edited (here or on another laptop) or the card changed."""
        reload_templates(self.app)
        if self.templates.version != self._templates_version:
            self.templates_reloaded()
        elif self.session.board.version != self._board_version:
            self.show_preview()

    def templates_reloaded(self) -> None:
        if self.is_mounted:
            self.show_templates(self.template_name)

    def show_templates(self, keep: str | None = None) -> None:
        try:
            card = self.card
        except UnknownCard:
            self.dismiss(None)
            return
        now = self.now()
        self._templates_version = self.templates.version
        ordered = self.templates.for_card(card, now, TZ)
        due = self.due = {i.template: i for i in card_items(card, ordered, now, TZ)}
        self.order = [t.name for t in ordered]
        options = self.query_one("#compose-templates", OptionList)
        options.clear_options()
        for template in ordered:
            item = due.get(template.name)
            if item is not None:  # short here ("3h over"); in full under the list
                status = item.status(now, TZ)
                style = {"overdue": "$error", "due": "$warning"}.get(status, "$text-muted")
                prompt = Content.assemble(
                    ("● ", style), template.name, (f"  {item.short_relative(now, TZ)}", style)
                )
            else:
                prompt = Content.assemble(("  ", ""), template.name)
            if self._file_problem(template) is not None:
                prompt = prompt + Content.styled("  ⚠", "$error")
            options.add_option(Option(prompt, id=template.name))
        index = self.order.index(keep) if keep in self.order else 0
        if self.order:
            options.highlighted = index
        what = f"{card.company} — {card.role}" if card.role else card.company
        self.query_one("#compose-title", Static).update(
            Content.assemble(
                ("Note for ", "bold"), (what, "bold"), (f"   {card.stage}", "$text-muted")
            )
        )
        self.show_preview()

    def _file_problem(self, template: Template) -> str | None:
        for problem in self.templates.problems():
            if problem.path.stem == template.name:
                return str(problem)
        return None

    @on(OptionList.OptionHighlighted, "#compose-templates")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_preview()

    def show_preview(self) -> None:
        self._board_version = self.session.board.version
        template = self.template
        problem_widget = self.query_one("#compose-problem", Static)
        self.note, self.problem = None, None
        if template is None:
            return
        warnings: list[str] = []
        file_problem = self._file_problem(template)
        if file_problem is not None:
            warnings.append(f"{file_problem}\nUntil it is fixed, the last good version is used.")
        try:
            card = self.card
        except UnknownCard:
            return
        if template.name in self.edited:
            self.note = self.edited[template.name]
        else:
            try:
                self.note = template.render(card, self.session.config.profile, self.now(), TZ)
            except TemplateError as exc:
                self.problem = str(exc)
                warnings.insert(0, f"{exc}\nThis note cannot be made until the template is fixed.")
        problem_widget.display = bool(warnings)
        problem_widget.update(Content("\n\n".join(warnings)))
        rule = template.due_text or "never due by itself"
        item = self.due.get(template.name)
        due: Content = Content.assemble("Due: ", (rule, "$text-muted"))
        if item is not None:  # "Due tomorrow" / "4 h overdue", then the rule behind it
            now = self.now()
            status = item.status(now, TZ)
            when = item.relative(now, TZ)
            style = {"overdue": "$error", "due": "$warning"}.get(status, "$text")
            due = Content.assemble(
                (when[:1].upper() + when[1:], style), "\n", (rule, "$text-muted")
            )
        self.query_one("#compose-rule", Static).update(
            Content.assemble(
                (template.title, "bold"),
                "\n",
                (template.description, "$text-muted"),
                "\n\n",
                due,
            )
        )
        subject = self.note.subject if self.note else ""
        self.query_one("#compose-subject", Static).update(
            Content.assemble(("Subject: ", "$text-muted"), (subject, "bold"))
        )
        self.query_one("#compose-body", Static).update(Content(self.note.body if self.note else ""))
        state = (
            "edited by you — r goes back to the template" if template.name in self.edited else ""
        )
        if not self.session.config.profile.get("name"):
            state = (state + "  ·  " if state else "") + (
                'tip: followup-tui profile --name "Your Name" signs your notes'
            )
        self.query_one("#compose-state", Static).update(state)
        self.refresh_bindings()

    # --- acting -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "copy", "send"):
            return True if self.note is not None else None
        return True

    def action_edit(self) -> None:
        template = self.template
        if self.note is None or template is None:
            return
        try:
            text = edit_text(self.app, self.note.text, self.session.vault.path)
        except FollowupError as exc:
            self.notify(str(exc), title="Not edited", severity="error", timeout=8)
            return
        edited = Note.from_text(template.name, text)
        if not edited.subject and self.note.subject:
            edited = Note(template.name, self.note.subject, edited.body)
        self.edited[template.name] = edited
        self.show_preview()
        self.refresh()

    def action_copy(self) -> None:
        if self.note is None:
            return
        self.app.copy_to_clipboard(self.note.body)
        self.notify(
            "The note's body is on the clipboard (your terminal must allow OSC 52).",
            title="Copied",
        )

    def action_send(self) -> None:
        template, note = self.template, self.note
        if template is None or note is None:
            return
        before = self.card.stage
        try:
            moved = self.session.change(
                lambda board: record_sent(board, self.card_id, template, note)
            )
        except FollowupError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return
        change = f"; {moved.company} moved to {moved.stage}" if moved.stage != before else ""
        self.notify(f"Recorded {template.title.lower()} as sent{change}.", title="Sent")
        self.dismiss(self.card_id)

    def action_reload(self) -> None:
        name = self.template_name
        if name is not None:
            self.edited.pop(name, None)
        reload_templates(self.app)
        self.show_templates(name)

    def action_close(self) -> None:
        self.dismiss(None)


# --- the employer answered ----------------------------------------------------------------------


class AnsweredScreen(ModalScreen[str | None]):
    """Record an answer (and a new promised date); returns the card id when recorded."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="answered-cancel"),
        Binding("ctrl+s", "save", "Save", id="answered-save"),
    ]

    def __init__(self, session: Session, card_id: str) -> None:
        super().__init__(id="answered")
        self.session = session
        self.card_id = card_id

    def compose(self) -> ComposeResult:
        card = self.session.board.card(self.card_id)
        with Vertical(classes="dialog"):
            yield Label(f"{card.company} answered", classes="dialog-title")
            yield Label("What did they say? (optional)", classes="dialog-text")
            yield Input(id="answered-note", placeholder="e.g. still deciding, back to me next week")
            yield Label(
                "A new date they promised an answer by (optional)",
                classes="dialog-text",
                id="answered-promised-label",
            )
            yield Input(id="answered-promised", placeholder="e.g. 2026-03-20, in 7 days")
            yield Static(id="answered-error", classes="dialog-text")
            yield Label(
                "enter saves · esc cancels · this stops the follow-up clock",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#answered-error", Static).display = False
        self.query_one("#answered-note", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "answered-note":
            self.query_one("#answered-promised", Input).focus()
        else:
            self.action_save()

    def action_save(self) -> None:
        note = self.query_one("#answered-note", Input).value
        promised_text = self.query_one("#answered-promised", Input).value.strip()
        error = self.query_one("#answered-error", Static)
        try:
            promised = parse_day(promised_text) if promised_text else None
            self.session.change(
                lambda board: record_answer(board, self.card_id, note, promised_by=promised)
            )
        except FollowupError as exc:
            error.display = True
            error.update(Content.styled(str(exc), "$error"))
            return
        self.notify("The follow-up clock stops until you write again.", title="Answer recorded")
        self.dismiss(self.card_id)

    def action_cancel(self) -> None:
        self.dismiss(None)


# --- closing as rejected --------------------------------------------------------------------------


class RejectedScreen(ModalScreen[str | None]):
    """After closing as rejected: what I learned (kept on the card) and the reply.

    Returns "reply" when the user wants to write the rejection reply now, "saved" or None.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reply", "Save and reply", id="rejected-reply"),
        Binding("ctrl+s", "save", "Save", id="rejected-save"),
        Binding("escape", "skip", "Skip", id="rejected-skip"),
    ]

    def __init__(self, session: Session, card_id: str) -> None:
        super().__init__(id="rejected")
        self.session = session
        self.card_id = card_id

    def compose(self) -> ComposeResult:
        card = self.session.board.card(self.card_id)
        with Vertical(classes="dialog"):
            yield Label(f"{card.company} said no. That stings.", classes="dialog-title")
            yield Static(
                "Thank them and ask for feedback: a gracious reply keeps the door open. "
                "And while it is fresh: what did you learn? (kept on the card)",
                classes="dialog-text",
            )
            yield TextArea(id="rejected-learned", soft_wrap=True)
            yield Label(
                "ctrl+r saves and writes the reply · ctrl+s saves · esc skips",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        area = self.query_one("#rejected-learned", TextArea)
        area.styles.height = 6
        area.focus()

    def _save(self) -> bool:
        text = self.query_one("#rejected-learned", TextArea).text
        if not text.strip():
            return True
        try:
            self.session.change(lambda board: record_learned(board, self.card_id, text))
        except FollowupError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return False
        return True

    def action_reply(self) -> None:
        if self._save():
            self.dismiss("reply")

    def action_save(self) -> None:
        if self._save():
            self.dismiss("saved")

    def action_skip(self) -> None:
        self.dismiss(None)


# --- from the board -------------------------------------------------------------------------------


def compose_from_board(board: BoardScreen, card: Card, template: str | None = None) -> None:
    def done(card_id: str | None) -> None:
        if card_id:
            board.refresh_cards({card_id})
            board.focus_card(card_id)

    board.app.push_screen(ComposeScreen(board.session, card.id, board.now, template), done)


def answered_from_board(board: BoardScreen, card: Card) -> None:
    def done(card_id: str | None) -> None:
        if card_id:
            board.refresh_cards({card_id})
            board.focus_card(card_id)

    board.app.push_screen(AnsweredScreen(board.session, card.id), done)


def today_from_board(board: BoardScreen) -> None:
    from tui.followups.today import TodayScreen

    def done(_: None) -> None:
        board.refresh_cards(None)

    board.app.push_screen(TodayScreen(board.session, board.now), done)


def after_rejection(board: BoardScreen, card_id: str) -> None:
    """A card was just closed as rejected: offer the learned note and the rejection reply."""

    def done(result: str | None) -> None:
        board.refresh_cards({card_id})
        if result == "reply":
            compose_from_board(board, board.session.board.card(card_id), "rejection-reply")

    board.app.push_screen(RejectedScreen(board.session, card_id), done)
