"""The card form: a new card, or every editable field of an existing one.

Only the fields the user actually changed are written, so an edit never overwrites what
another laptop changed meanwhile in other fields. Bad input (a bad date, an interviewer
line that does not parse, an email that is not one, no company) is a one-line error under
that field, which gets the focus (on the very line, in a field of one item per line); the
form keeps everything typed. Leaving with unsaved changes asks first.

Must never write the vault other than through `AppContext.change` (every save can be undone).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from store.cards.companies import application_line, earlier_applications
from store.cards.dates import DateOrder, duration_text
from store.cards.fields import field_value
from store.cards.model import STAGES, Card, Interviewer
from store.errors import BadValue, FollowupError
from store.notes.due import interview_notice
from tui.context import AppContext
from tui.widgets.fitting_footer import FittingFooter

# (field, label, kind, hint): kind "line" is an Input, "lines" a TextArea of one item per
# line, "text" a free TextArea.
FORM: list[tuple[str, str, str, str]] = [
    ("company", "Company", "line", "Acme"),
    ("role", "Role", "line", "Backend developer"),
    ("interviewed_at", "Interviewed", "line", "2026-11-20 10:30, yesterday 14:00, last monday"),
    ("duration", "Duration", "line", "1 h (the default), 45 min, 1h30"),
    ("round", "Round", "line", "first, second, onsite…"),
    ("promised_by", "Answer promised", "line", "2026-12-01, next friday, in 7 days"),
    ("interviewers", "Interviewers", "lines", "one per line: Name, Title <email>"),
    ("contact_email", "Contact email", "line", "recruiter@acme.io"),
    ("key_points", "Key points", "lines", "one per line: what you talked about"),
    ("questions", "Questions asked", "lines", "one per line"),
    ("questions_to_ask", "Questions to ask", "lines", "one per line: what you will ask them"),
    ("research", "Research", "text", "what you found out about the company"),
    ("links", "Links", "lines", "one per line"),
    ("tags", "Tags", "line", "comma separated: remote, python"),
    ("notes", "Notes", "text", ""),
    ("learned", "Learned", "text", "what this process taught you"),
    # issue 14, parts 1–3: the posting, the résumé sent, the offer
    ("posting_url", "Posting URL", "line", "https://… (the job ad's address)"),
    ("posting_text", "Posting", "text", "paste the job ad's text here (it vanishes online)"),
    ("resume", "Résumé sent", "line", "the version you sent, e.g. v3-backend"),
    ("salary", "Offer: base", "line", "85000, 85,000 or 85k"),
    ("currency", "Currency", "line", "EUR, USD, GBP…"),
    ("bonus", "Bonus", "line", "10% target"),
    ("equity", "Equity", "line", "0.1% over 4 years"),
    ("offer_start", "Start date", "line", "2027-01-15"),
    ("answer_by", "Answer by", "line", "the day they need your answer"),
]


def form_values(card: Card | None) -> dict[str, str]:
    """The text each form field starts with."""
    if card is None:
        return {name: "" for name, *_ in FORM}
    return {
        "company": card.company,
        "role": card.role,
        "interviewed_at": (
            card.interviewed_at.astimezone().strftime("%Y-%m-%d %H:%M")
            if card.interviewed_at
            else ""
        ),
        "duration": duration_text(card.duration) if card.duration else "",
        "round": card.round,
        "promised_by": card.promised_by.isoformat() if card.promised_by else "",
        "interviewers": "\n".join(str(p) for p in card.interviewers),
        "contact_email": card.contact_email,
        "key_points": "\n".join(card.key_points),
        "questions": "\n".join(card.questions),
        "questions_to_ask": "\n".join(card.questions_to_ask),
        "research": card.research,
        "links": "\n".join(card.links),
        "tags": ", ".join(card.tags),
        "notes": card.notes,
        "learned": card.learned,
        # issue 14, parts 1–3
        "posting_url": card.posting_url,
        "posting_text": card.posting_text,
        "resume": card.resume,
        "salary": card.offer.salary,
        "currency": card.offer.currency,
        "bonus": card.offer.bonus,
        "equity": card.offer.equity,
        "offer_start": card.offer.start.isoformat() if card.offer.start else "",
        "answer_by": card.offer.answer_by.isoformat() if card.offer.answer_by else "",
    }


class FieldError(BadValue):
    """Bad text in one field of the form: the message names the field; `line` is the line of
    a one-item-per-line field that does not read (None: the whole field)."""

    def __init__(self, field: str, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.line = line


def _bad_line(name: str, text: str, now: datetime | None, order: DateOrder = None) -> int | None:
    """Which line of a one-item-per-line field fails on its own (the first), if one does."""
    if name not in ("interviewers",):
        return None
    for index, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        try:
            field_value(name, line, now=now, order=order)
        except BadValue:
            return index
    return None


def parse_field(name: str, text: str, now: datetime | None = None, order: DateOrder = None) -> Any:
    """The value a form field's text stands for; `FieldError` names the field and the problem."""
    try:
        return field_value(name, text, now=now, order=order)
    except BadValue as exc:
        label = next(label for field, label, *_ in FORM if field == name)
        raise FieldError(name, f"{label}: {exc}", _bad_line(name, text, now, order)) from None


def changed_fields(
    before: dict[str, str], after: dict[str, str], now: datetime, order: DateOrder = None
) -> dict[str, Any]:
    """Parsed values of the fields whose text changed (all of them must parse)."""
    changes: dict[str, Any] = {}
    for name, *_ in FORM:
        if after.get(name, "") != before.get(name, ""):
            changes[name] = parse_field(name, after.get(name, ""), now, order)
    if "company" in after and not after["company"].strip():
        raise FieldError("company", "Company: a card needs a company.")
    return changes


class DiscardScreen(ModalScreen[bool]):
    """Leave the form and lose what was typed? Asked only when something was typed."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Discard", id="discard-yes"),
        Binding("n,escape", "answer(False)", "Keep editing", id="discard-no"),
    ]

    def __init__(self, question: str = "Discard your changes to this card?") -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.question, classes="dialog-title", markup=False)
            yield Label("y discards · n keeps editing", classes="dialog-hint")

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


class CardEditScreen(Screen[str | None]):
    """Returns the id of the saved card, or None when nothing was saved."""

    AUTO_FOCUS = "#field-company"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form-save", tooltip="Save the card"),
        Binding("escape", "cancel", "Cancel", id="form-cancel", tooltip="Leave without saving"),
    ]

    def __init__(self, context: AppContext, card: Card | None, stage: str = "interviewed") -> None:
        super().__init__(id="edit")
        self.context = context
        self.session = context.session
        self.card = card
        self.now = context.now
        self.stage = stage
        self.before = form_values(card)

    def compose(self) -> ComposeResult:
        blink = self.context.cursor_blink
        title = f"Edit {self.card.company}" if self.card else "New card"
        with VerticalScroll(id="form"):
            yield Static(title, classes="detail-title")
            yield Static("", id="form-error", classes="form-error")
            if self.card is None:
                with Horizontal(classes="form-row"):
                    yield Label("Stage", classes="form-label")
                    yield Select(
                        [(s, s) for s in STAGES],
                        value=self.stage if self.stage in STAGES else "interviewed",
                        allow_blank=False,
                        id="field-stage",
                        compact=True,
                    )
            for name, label, kind, hint in FORM:
                with Horizontal(classes=f"form-row form-{kind}", id=f"row-{name}"):
                    yield Label(label, classes="form-label")
                    value = self.before[name]
                    if kind == "line":
                        field = Input(value, placeholder=hint, id=f"field-{name}", compact=True)
                        field.cursor_blink = blink
                        yield field
                    else:
                        area = TextArea(
                            value,
                            id=f"field-{name}",
                            soft_wrap=True,
                            compact=True,
                            placeholder=hint,
                        )
                        area.cursor_blink = blink
                        yield area
                yield Static("", id=f"error-{name}", classes="field-error", markup=False)
            with Horizontal(id="form-buttons"):
                yield Button("Save", id="save", variant="primary", compact=True)
                yield Button("Cancel", id="cancel", compact=True)
        yield FittingFooter()

    def on_mount(self) -> None:
        self.query_one("#field-company").focus()

    def values(self) -> dict[str, str]:
        values: dict[str, str] = {}
        for name, _label, _kind, _hint in FORM:
            widget = self.query_one(f"#field-{name}")
            values[name] = widget.value if isinstance(widget, Input) else widget.text  # type: ignore[attr-defined]
        return values

    def show_error(self, message: str) -> None:
        for shown in self.query(".field-error"):
            shown.display = False
        error = self.query_one("#form-error", Static)
        error.update(message)
        error.display = bool(message)
        if message:
            self.query_one("#form", VerticalScroll).scroll_home(animate=False)

    def show_field_error(self, error: FieldError) -> None:
        """The error under its field, and the focus there (on the bad line, if there is one)."""
        self.show_error("")
        below = self.query_one(f"#error-{error.field}", Static)
        below.update(str(error))
        below.display = True
        widget = self.query_one(f"#field-{error.field}")
        widget.focus()
        if isinstance(widget, TextArea) and error.line is not None:
            widget.select_line(error.line)
        elif isinstance(widget, Input):
            widget.cursor_position = len(widget.value)
        self.call_after_refresh(
            self.query_one("#form", VerticalScroll).scroll_to_widget, below, animate=False
        )

    def action_save(self) -> None:
        after = self.values()
        now = self.now()
        try:
            changes = changed_fields(self.before, after, now, self.context.config.date_reading)
        except FieldError as exc:
            self.show_field_error(exc)
            return
        try:
            if self.card is None:
                stage = str(self.query_one("#field-stage", Select).value)
                fields = {k: v for k, v in changes.items() if v not in (None, "", [])}
                fields["company"] = after["company"].strip()
                fields["stage"] = stage
                saved = self.context.change(lambda board: board.add(fields))
            elif changes:
                card_id = self.card.id
                self.context.change(lambda board: board.edit(card_id, changes))
                saved = card_id
            else:
                saved = None
        except FollowupError as exc:
            self.show_error(str(exc))
            return
        if saved:
            self._say_what_saving_means(saved, is_new=self.card is None, changes=changes)
        self.dismiss(saved)

    def _say_what_saving_means(self, card_id: str, is_new: bool, changes: dict[str, Any]) -> None:
        """After a save: an interview still ahead is said ("interview in 1 h"), never taken
        as past; a new card for a company already on the board says how that went."""
        board = self.session.board
        card = board.card(card_id)
        if is_new:
            earlier = earlier_applications(board.all(), card.company, except_id=card.id)
            if earlier:
                now = self.context.now()
                lines = "\n".join(application_line(c, self.context.tz, now) for c in earlier[:5])
                self.notify(lines, title=f"You applied to {card.company} before", timeout=12)
        if is_new or "interviewed_at" in changes or "duration" in changes:
            notice = interview_notice(card, self.now(), self.context.tz)
            if notice:
                self.notify(f"{card.company}: {notice}.", title="Interview ahead")

    def action_cancel(self) -> None:
        if self.values() == self.before:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(DiscardScreen(), answered)

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()


__all__ = [
    "CardEditScreen",
    "FieldError",
    "Interviewer",
    "changed_fields",
    "form_values",
    "parse_field",
]
