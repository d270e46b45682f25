"""Export the board to a file (`x` on the board): CSV for a spreadsheet, a JSON backup,
a Markdown report or a calendar of the notes due. The same as `followup-tui export`, through
the same code (`store.transfer.export_file`), so both refuse the vault folder and write the
same bytes.

The file name follows the format until the user types one of their own. A file that is already
there is replaced only when the user presses enter a second time, having been told. A JSON
backup is plaintext: the dialog says so before it writes (mode 0600). Never writes inside the
vault folder, and never writes card data anywhere but the file the user confirmed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, Static
from textual.widgets.option_list import Option

from store.errors import FollowupError
from store.transfer.export_file import (
    FORMAT_NAMES,
    PLAINTEXT_WARNING,
    SUFFIXES,
    check_destination,
    export_board,
    write_export,
)
from tui.context import AppContext
from tui.launch import tilde
from tui.widgets.choice_list import ChoiceList
from tui.widgets.setup_row import setup_row


def default_name(fmt: str, today: date) -> str:
    return f"followup-{today.isoformat()}{SUFFIXES[fmt]}"


class ExportScreen(ModalScreen[Path | None]):
    """Returns the file written, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "export", "Export", id="export-write", tooltip="Write the file"),
        Binding("escape", "cancel", "Cancel", id="export-cancel", tooltip="Write nothing"),
    ]

    def __init__(
        self, context: AppContext, include_trash: bool = False, home: Path | None = None
    ) -> None:
        super().__init__(id="export")
        self.context = context
        self.home = home or Path.home()
        self.include_trash = include_trash
        self.format = "csv"
        self.typed_name = False  # the user typed a file name: the format no longer changes it
        self.confirm_replace: Path | None = None

    def compose(self) -> ComposeResult:
        today = self.context.now().astimezone().date()
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label("Export the board", classes="dialog-title")
            yield ChoiceList(
                *(Option(name, id=fmt) for fmt, name in FORMAT_NAMES.items()), id="export-format"
            )
            file = Input(
                tilde(self.home / default_name(self.format, today), self.home),
                id="export-file",
                compact=True,
            )
            yield setup_row("File", file)
            yield Checkbox("Include the cards in the trash", self.include_trash, id="export-trash")
            yield Static("", id="export-warning", classes="warning", markup=False)
            yield Static("", id="export-error", classes="form-error", markup=False)
            yield Label(
                "enter on the file name writes it · ctrl+s writes · esc cancels",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#export-error").display = False
        self.query_one("#export-file", Input).cursor_blink = self.context.cursor_blink
        options = self.query_one("#export-format", ChoiceList)
        options.highlighted = 0
        options.focus()
        self._show_format()

    @on(ChoiceList.OptionHighlighted, "#export-format")
    def _format_highlighted(self, event: ChoiceList.OptionHighlighted) -> None:
        self.format = event.option.id or "csv"
        if not self.typed_name:
            field = self.query_one("#export-file", Input)
            old = Path(field.value)
            field.value = str(old.with_name(default_name(self.format, self._today())))
        self._show_format()

    @on(ChoiceList.OptionSelected, "#export-format")
    def _format_chosen(self) -> None:
        self.query_one("#export-file").focus()

    @on(Input.Changed, "#export-file")
    def _file_typed(self, event: Input.Changed) -> None:
        if event.input.has_focus:
            self.typed_name = True
        self.confirm_replace = None
        self._error("")

    def _today(self) -> date:
        return self.context.now().astimezone().date()

    def _show_format(self) -> None:
        warning = self.query_one("#export-warning", Static)
        if self.format == "json":
            warning.update(f"A JSON backup holds every card, the trash too: {PLAINTEXT_WARNING}")
        elif self.format == "ics":
            warning.update("The notes due and upcoming, one event each, for a calendar app.")
        else:
            warning.update("")
        warning.display = bool(self.format in ("json", "ics"))
        self.query_one("#export-trash").display = self.format in ("csv", "md")

    def _error(self, message: str) -> None:
        error = self.query_one("#export-error", Static)
        error.update(message)
        error.display = bool(message)

    @property
    def path(self) -> Path:
        text = self.query_one("#export-file", Input).value.strip()
        if text == "~" or text.startswith("~/"):
            return self.home / text[2:]
        return Path(text).expanduser()

    @on(Input.Submitted, "#export-file")
    def _submitted(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        if not self.query_one("#export-file", Input).value.strip():
            self._error("Give the file to write, e.g. ~/followup.csv.")
            self.query_one("#export-file").focus()
            return
        path = self.path
        session = self.context.session
        try:
            check_destination(path, session.vault.path)
            if path.is_file() and self.confirm_replace != path:
                self.confirm_replace = path
                self._error(f"{tilde(path, self.home)} is already there: enter again replaces it.")
                self.query_one("#export-file").focus()
                return
            include = self.query_one("#export-trash", Checkbox).value
            export = export_board(session, self.format, include, self.context.now())
            write_export(path, export)
        except FollowupError as exc:
            self._error(str(exc))
            self.query_one("#export-file").focus()
            return
        where = tilde(path, self.home)
        self.notify(f"Wrote {export.summary} to {where}.", title="Exported", markup=False)
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
