"""Composing a letter from a template (`c` on a card, or enter on Today).

The compose screen lists the templates, the suggested one first (what is due on the card,
then those serving its stage, then the rest), and previews the note rendered from the card
and the profile, under a To: line (the card's contact email, else the first interviewer's;
`t` edits it). `e` edits the note in `$VISUAL`/`$EDITOR` (`editor.py`: the app suspends; the
text goes through a temp file outside the vault, deleted afterwards), `y` copies it (OSC 52
and the system clipboard, `mail_handoff.py`), `m` hands it to the mail client and then asks
whether it went out, `s` marks it as sent: the exact text goes on the card's timeline and
the card moves on (interviewed → thanked, waiting → followed-up). Edits are kept per template
while the screen is open, so looking at another template loses nothing. It returns the card id
when a letter was recorded as sent; whoever opened it repaints.

A template that fails to load shows its file and line here while its last good version keeps
working; one that fails to render for this card shows why and cannot be sent.

Must never write the vault other than through `AppContext.change` (so a note marked sent by
mistake can be undone), and never import or drive the screen that opened it.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from store.cards.model import Card
from store.errors import FollowupError, UnknownCard
from store.notes.due import DueItem, card_items
from store.notes.flow import record_sent
from store.notes.templates import Note, Template, TemplateError, TemplateSet
from tui.context import AppContext
from tui.followups.editor import edit_text
from tui.followups.mail_handoff import Letter, MailHandOff
from tui.handoff.mailto import recipient
from tui.widgets.choice_list import ChoiceList
from tui.widgets.fitting_footer import FittingFooter


class ComposeScreen(Screen[str | None]):
    """Returns the card id when a note was recorded as sent (the board repaints it)."""

    CSS_PATH = "compose.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", id="compose-edit", tooltip="Edit the note in $EDITOR"),
        Binding(
            "m",
            "mail",
            "Mail",
            id="compose-mail",
            tooltip="Open your mail client with To, Subject and the note; then say if it went out",
        ),
        Binding(
            "y",
            "copy",
            "Copy",
            id="compose-copy",
            tooltip="Copy the note (OSC 52 and the system clipboard)",
        ),
        Binding(
            "t",
            "edit_to",
            "To",
            id="compose-to",
            tooltip="Change who the note goes to (enter or esc goes back to the templates)",
        ),
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

    def __init__(self, context: AppContext, card_id: str, template: str | None = None) -> None:
        super().__init__(id="compose")
        self.context = context
        self.session = context.session
        self.card_id = card_id
        self.now = context.now
        self.wanted = template
        self.order: list[str] = []
        self.edited: dict[str, Note] = {}
        self.note: Note | None = None
        self.problem: str | None = None
        self._templates_version = -1
        self._board_version = -1
        self.due: dict[str, DueItem] = {}  # the notes this card owes now, by template
        self.suggested_to = ""  # the To: line the card gives; what the user typed wins
        self.handoff = MailHandOff(self, context, lambda sent: self._record(sent, sent.to))

    # --- reading -------------------------------------------------------------------------------

    @property
    def templates(self) -> TemplateSet:
        return self.context.templates

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
                yield ChoiceList(id="compose-templates")
                yield Static(id="compose-rule")
            with Vertical(id="compose-pane"):
                yield Static(id="compose-problem")
                with Horizontal(id="compose-to-line"):
                    yield Label("To: ", id="compose-to-label")
                    yield Input(
                        placeholder="name@example.com (the card has no address)",
                        id="compose-to",
                        compact=True,
                        select_on_focus=False,
                    )
                yield Static(id="compose-subject")
                with VerticalScroll(id="compose-scroll"):
                    yield Static(id="compose-body")
                yield Static(id="compose-state")
        yield FittingFooter()

    def on_mount(self) -> None:
        self._follow_recipient()
        self.context.reload_templates()
        self.show_templates(self.wanted)
        self.query_one("#compose-templates", OptionList).focus()
        self.set_interval(1.0, self._follow)

    def _follow(self) -> None:
        """Live: a template file edited (here or on another laptop) or the card changed."""
        self.context.reload_templates()
        if self.templates.version != self._templates_version:
            self.templates_reloaded()
        elif self.session.board.version != self._board_version:
            self._follow_recipient()
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
        now, tz = self.now(), self.context.tz
        self._templates_version = self.templates.version
        ordered = self.templates.for_card(card, now, tz)
        due = self.due = {i.template: i for i in card_items(card, ordered, now, tz)}
        self.order = [t.name for t in ordered]
        options = self.query_one("#compose-templates", OptionList)
        options.clear_options()
        for template in ordered:
            item = due.get(template.name)
            if item is not None:  # short here ("3h over"); in full under the list
                status = item.status(now, tz)
                style = {"overdue": "$error", "due": "$warning"}.get(status, "$text-muted")
                prompt = Content.assemble(
                    ("● ", style), template.name, (f"  {item.short_relative(now, tz)}", style)
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

    @property
    def to(self) -> str:
        return self.query_one("#compose-to", Input).value.strip()

    def _follow_recipient(self) -> None:
        """The card's address on the To: line, unless the user typed another one."""
        try:
            suggested = recipient(self.card)
        except UnknownCard:
            return
        line = self.query_one("#compose-to", Input)
        if line.value.strip() == self.suggested_to.strip():
            line.value = suggested
        self.suggested_to = suggested

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
        tz = self.context.tz
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
                config = self.session.config
                self.note = template.render(card, config.profile, self.now(), tz, config.language)
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
            status = item.status(now, tz)
            when = item.relative(now, tz)
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
                "tip: P on the board (Profile) signs your notes with your name"
            )
        self.query_one("#compose-state", Static).update(state)
        self.refresh_bindings()

    # --- acting -------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("edit", "copy", "send", "mail"):
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
        if (edited.subject, edited.body.rstrip()) == (self.note.subject, self.note.body.rstrip()):
            return  # quit without a change: the note still follows its template and the card
        self.edited[template.name] = edited
        self.show_preview()
        self.refresh()

    def action_copy(self) -> None:
        if self.note is None:
            return
        self.handoff.copy(self.note.body, "The note's body")

    def _letter(self) -> Letter | None:
        template, note = self.template, self.note
        if template is None or note is None:
            return None
        return Letter(self.card_id, template, note, self.to)

    def action_mail(self) -> None:
        letter = self._letter()
        if letter is not None:
            self.handoff.mail(letter)

    def action_edit_to(self) -> None:
        self.query_one("#compose-to", Input).focus()

    @on(Input.Submitted, "#compose-to")
    def _to_done(self, event: Input.Submitted) -> None:
        self.query_one("#compose-templates", OptionList).focus()

    def action_send(self) -> None:
        letter = self._letter()
        if letter is not None:
            self._record(letter, to=None)  # sent some other way: whom it went to is not known

    def _record(self, letter: Letter, to: str | None) -> None:
        """Record the letter as sent; `to` is kept on the timeline when the app handed it on."""
        before = self.card.stage
        try:
            moved = self.context.change(
                lambda board: record_sent(
                    board, letter.card_id, letter.template, letter.note, to=to
                )
            )
        except FollowupError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return
        change = f"; {moved.company} moved to {moved.stage}" if moved.stage != before else ""
        self.notify(f"Recorded {letter.template.title.lower()} as sent{change}.", title="Sent")
        if self.is_current:
            self.dismiss(self.card_id)
        else:  # answered after this screen was left: the board repaints the card
            self.context.board_changed({letter.card_id})

    def action_reload(self) -> None:
        name = self.template_name
        if name is not None:
            self.edited.pop(name, None)
        self.context.reload_templates()
        self.show_templates(name)

    def action_close(self) -> None:
        if isinstance(self.focused, Input):  # esc on the To: line: back to the templates
            self.query_one("#compose-templates", OptionList).focus()
            return
        self.dismiss(None)

    def on_unmount(self) -> None:
        self.handoff.forget()
