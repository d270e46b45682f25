"""One card in full: every field, the people, the timeline, and conflicts to resolve.

Opened from a search (`/` on the board), it says where the card matched and marks each place
in the text it shows (the posting's first match is selected and scrolled to).

A conflict is a value that lost to a concurrent edit on another laptop; it stays on the card
until the user keeps one version here (`Board.resolve`). The screen repaints when the card
changes underneath (a merge: `cards_changed`, from the app), and returns the card id when it
changed something; the screen that opened it repaints.

It takes the board's keys that make sense for one card: `j`/`k` (and the arrows, `g`/`G`,
page up/down) scroll, `<` `>` and `1`–`5` move it, `c` composes, `a` records an answer, `r` a
next round, `#` tags, `e` edits, `d` puts it in the trash (and goes back to the board, where
`u` undoes it); `u` and `ctrl+r` undo and redo here too. A note's text on the timeline keeps its indent however it wraps.

Must never write the vault other than through `AppContext.change`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.text_area import Selection

from store.cards.board import Board
from store.cards.dates import duration_text
from store.cards.documents import Attachment, size_text
from store.cards.model import STAGES, Card
from store.cards.search import Query, found_in, spans
from store.errors import FollowupError, UnknownCard
from store.notes.due import KINDS, card_items, interview_item
from store.untrusted import printable
from tui.board.card_face import OUTCOME_WORDS, age_text, days_since
from tui.board.keys import for_one_card
from tui.context import AppContext
from tui.history import Step, UndoKeys
from tui.widgets.fitting_footer import FittingFooter

FIELD_LABELS = {
    "company": "Company",
    "role": "Role",
    "round": "Round",
    "interviewers": "Interviewers",
    "key_points": "Key points",
    "questions": "Questions asked",
    "questions_to_ask": "Questions to ask",
    "research": "Research",
    "links": "Links",
    "contact_email": "Contact",
    "notes": "Notes",
    "tags": "Tags",
    "learned": "Learned",
    "posting_url": "Posting",
    "posting_text": "Posting text",
    "resume": "Résumé sent",
    "salary": "Offer: base",
    "currency": "Offer: currency",
    "bonus": "Offer: bonus",
    "equity": "Offer: equity",
}


MARK = "bold reverse"  # a match of the search, in any theme


def marked(text: str, search: Query | None) -> Content:
    """`text` as plain content, each match of the search marked."""
    content = Content(text)
    for start, end in spans(text, search) if search else ():
        content = content.stylize(MARK, start, end)
    return content


def local(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def shown(value: Any) -> str:
    """A field value as one readable string (lists joined, people as "Name, Title <email>").

    A conflicting version is stored as another device wrote it: control characters in it are
    shown as escapes, never sent to the terminal."""
    if isinstance(value, (list, tuple)):
        return printable("; ".join(str(_person(v)) for v in value)) or "(empty)"
    return printable(value) if value not in (None, "") else "(empty)"


def _person(value: Any) -> Any:
    if isinstance(value, dict):
        from store.cards.model import Interviewer

        return Interviewer.from_json(value)
    return value


def detail_rows(card: Card, now: datetime, due: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(label, text) for every field worth showing; lists one item per line."""
    rows: list[tuple[str, str]] = [("Stage", card.stage)]
    if card.outcome:
        rows.append(("Outcome", OUTCOME_WORDS.get(card.outcome, card.outcome)))
    if due:
        rows.append(("Due", "\n".join(due)))
    ahead = interview_item(card, now)
    if ahead is not None:
        when = (
            f"{local(ahead.at)}–{ahead.ends.astimezone():%H:%M}" if ahead.ends else local(ahead.at)
        )
        rows.append(("Interview", f"{when}  ({ahead.relative(now, None)})"))
    elif card.interviewed_at:
        age = age_text(days_since(card.interviewed_at, now))
        rows.append(("Interviewed", f"{local(card.interviewed_at)}  ({age})"))
    else:
        rows.append(("Interviewed", "(no date)"))
    if card.duration:
        rows.append(("Duration", duration_text(card.duration)))
    rows.append(("Round", card.round or "—"))
    rows.append(("Answer promised", card.promised_by.isoformat() if card.promised_by else "—"))
    rows.append(("Interviewers", "\n".join(str(p) for p in card.interviewers) or "—"))
    rows.append(("Contact", card.contact_email or "—"))
    rows.append(("Key points", "\n".join(f"• {p}" for p in card.key_points) or "—"))
    rows.append(("Questions asked", "\n".join(f"• {q}" for q in card.questions) or "—"))
    rows.append(("Questions to ask", "\n".join(f"• {q}" for q in card.questions_to_ask) or "—"))
    rows.append(("Research", card.research or "—"))
    rows.append(("Links", "\n".join(card.links) or "—"))
    rows.append(("Tags", ", ".join(card.tags) or "—"))
    rows.append(("Notes", card.notes or "—"))
    if card.learned:
        rows.append(("Learned", card.learned))
    rows.extend(document_rows(card, now))
    if card.created_at:
        rows.append(("Created", local(card.created_at)))
    rows.append(("Id", card.id))
    return rows


def offer_text(card: Card, now: datetime) -> str:
    """The offer on one line or a few: base and currency as given (never converted)."""
    offer = card.offer
    parts = [offer.salary_text() or "no base yet"]
    parts += [f"bonus {offer.bonus}"] if offer.bonus else []
    parts += [f"equity {offer.equity}"] if offer.equity else []
    lines = ["  ·  ".join(parts)]
    if offer.start:
        lines.append(f"starts {offer.start.isoformat()}")
    if offer.answer_by:
        days = (offer.answer_by - now.astimezone().date()).days
        left = (
            "today"
            if days == 0
            else f"{days} day{'s' if days != 1 else ''} left"
            if days > 0
            else f"passed {-days} day{'s' if days != -1 else ''} ago"
        )
        lines.append(f"answer by {offer.answer_by.isoformat()}  ({left})")
    return "\n".join(lines)


def document_rows(card: Card, now: datetime) -> list[tuple[str, str]]:
    """The offer, the posting's address and the résumé sent, when the card has them."""
    rows = []
    if card.offer:
        rows.append(("Offer", offer_text(card, now)))
    if card.posting_url:
        rows.append(("Posting", card.posting_url))
    if card.resume:
        rows.append(("Résumé sent", card.resume))
    return rows


def attachment_line(attachment: Attachment, arrived: bool) -> str:
    when = attachment.added_at.astimezone().strftime("%Y-%m-%d")
    line = f"{attachment.name}  ({size_text(attachment.size)}, {when})"
    return line if arrived else f"{line}  — not synced yet"


def _moment(text: Any) -> str:
    """A stored ISO moment as local time, or "" when there is none (or it is unreadable)."""
    if not isinstance(text, str):
        return ""
    try:
        return local(datetime.fromisoformat(text.replace("Z", "+00:00")))
    except ValueError:
        return ""


def timeline_entries(card: Card, board: Board) -> list[tuple[str, str]]:
    """(what happened, the note's text or "") for each event, oldest first."""
    entries = []
    for event in card.timeline:  # what an undo took back is not in it (`store.cards.timeline`)
        what = event.kind
        if event.kind == "moved":
            what = f"moved {event.get('from', '?')} → {event.get('to', '?')}"
            if event.get("outcome"):
                what += f" ({OUTCOME_WORDS.get(event.get('outcome'), event.get('outcome'))})"
        elif event.kind == "resolved":
            what = f"kept one version of {event.get('field', '?')}"
        elif event.kind == "created":
            what = f"created in {event.get('stage', 'interviewed')}"
        elif event.kind == "note_sent":
            what = f"sent {event.get('template', 'a note')}"
            if event.get("subject"):
                what += f": “{event.get('subject')}”"
            if event.get("to"):  # handed to a mail client for this address
                what += f" to {event.get('to')}"
        elif event.kind == "answered":
            what = "they answered"
            if event.get("promised_by"):
                what += f"; answer now promised by {event.get('promised_by')}"
        elif event.kind in ("attached", "detached"):
            what = f"{event.kind} {event.get('name', 'a file')}"
            if event.kind == "attached" and isinstance(event.get("size"), int):
                what += f" ({size_text(event.get('size'))})"
        elif event.kind in ("invited", "interview_cancelled"):  # an invitation imported
            when = _moment(event.get("interviewed_at")) or "?"
            what = f"invitation: interview {when}"
            if event.kind == "interview_cancelled":
                what = f"cancelled: the interview {when}"
        elif event.kind == "round":
            what = "next round"
            if event.get("round"):
                what += f" ({event.get('round')})"
            when = _moment(event.get("interviewed_at"))
            if when:
                what += f", interview {when}"
        hidden = ("from", "to", "outcome", "field", "stage", "text", "as_of")
        hidden += ("promised_by", "previous_promised_by")
        hidden += ("name", "size", "sha256", "blob", "attachment")  # an attachment's, said above
        hidden += ("uid", "sequence", "duration")  # an invitation's (issue 14)
        if event.kind in ("note_sent", "round", "invited", "interview_cancelled"):  # said above
            hidden += ("template", "subject", "round", "interviewed_at", "previous")
            hidden += ("previous_promised_by",)
        extra = {k: v for k, v in event.data.items() if k not in hidden and v is not None}
        if extra:
            what += "  " + ", ".join(f"{k}: {v}" for k, v in extra.items())
        line = f"{local(event.at)}  {what}  · {board.device_name(event.device)}"
        entries.append((line, str(event.data.get("text") or "")))
    return entries


def timeline_lines(card: Card, board: Board) -> list[str]:
    """The timeline as plain lines, a note's text indented under its event."""
    lines = []
    for line, text in timeline_entries(card, board):
        lines.append(line)
        lines.extend(f"    {part}" for part in text.splitlines())
    return lines


def _location(text: str, offset: int) -> tuple[int, int]:
    """(row, column) of a character offset, as a TextArea places its cursor."""
    row = text.count("\n", 0, offset)
    return row, offset - (text.rfind("\n", 0, offset) + 1)


class CardDetailScreen(UndoKeys, Screen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "edit", "Edit", id="detail-edit", tooltip="Edit this card"),
        Binding(
            "o",
            "open_attachment",
            "Open file",
            id="detail-open-attachment",
            tooltip="Open the highlighted attachment (a private copy, removed when you quit)",
        ),
        Binding("c", "compose", "Compose", id="detail-compose", tooltip="Write a note to them"),
        for_one_card("move-previous", "detail-move-previous", action="move(-1)"),
        for_one_card("move-next", "detail-move-next", action="move(1)"),
        *(for_one_card(f"move-to-{stage}", f"detail-move-to-{stage}") for stage in STAGES),
        for_one_card("employer-answered", "detail-answered"),
        for_one_card("next-round", "detail-next-round"),
        for_one_card("tag-cards", "detail-tag"),
        for_one_card("close-no-answer", "detail-close-no-answer"),
        for_one_card("delete-card", "detail-delete", action="delete"),
        for_one_card("undo", "detail-undo"),
        for_one_card("redo", "detail-redo"),
        Binding("down,j", "scroll(1)", "Down", id="detail-down", show=False),
        Binding("up,k", "scroll(-1)", "Up", id="detail-up", show=False),
        Binding("pagedown", "page(1)", "Page down", id="detail-page-down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="detail-page-up", show=False),
        Binding("home,g", "top", "Top", id="detail-top", show=False),
        Binding("end,G", "bottom", "Bottom", id="detail-bottom", show=False),
        Binding("escape,q", "back", "Back", id="detail-back", tooltip="Back to the board"),
    ]

    def __init__(self, context: AppContext, card_id: str, search: Query | None = None) -> None:
        super().__init__(id="detail")
        self.context = context
        self.session = context.session
        self.card_id = card_id
        self.search = search if search else None  # the board's search, when one is on
        self.now = context.now
        self.changed = False

    @property
    def card(self) -> Card:
        return self.session.board.card(self.card_id)

    def compose(self) -> ComposeResult:
        card = self.card
        board = self.session.board
        with VerticalScroll(id="detail-body"):
            yield Static(Content(card.heading), classes="detail-title")
            if card.deleted:
                yield Static(
                    "In the trash: the board's trash (T) brings it back.", classes="warning"
                )
            if self.search:
                yield Static(self.found_text(), id="detail-found")
            if card.conflicts:
                yield Static(
                    "Two laptops changed this card at once. Keep one version of each field:",
                    classes="conflict-intro",
                )
                for field, conflicts in card.conflicts.items():
                    with Vertical(classes="conflict"):
                        yield Static(FIELD_LABELS.get(field, field), classes="conflict-field")
                        versions = [(getattr(card, field), "current")] + [
                            (c.value, f"from {board.device_name(c.device)}") for c in conflicts
                        ]
                        for index, (value, origin) in enumerate(versions):
                            with Horizontal(classes="conflict-version"):
                                yield Button(
                                    "Keep",
                                    id=f"keep-{field}-{index}",
                                    classes="keep",
                                    compact=True,
                                )
                                yield Static(
                                    marked(f"{shown(value)}  ({origin})", self.search),
                                    classes="version-text",
                                )
            for label, text in detail_rows(card, self.now(), self.due_lines(card)):
                with Horizontal(classes="detail-row"):
                    yield Static(label, classes="detail-label")
                    yield Static(marked(text, self.search), classes="detail-value")
            yield from self.compose_documents(card)
            yield Static("Timeline", classes="section-title")
            with Vertical(classes="timeline"):
                for line, text in timeline_entries(card, board):
                    yield Static(marked(line, self.search), classes="timeline-event")
                    if text.strip():  # its own block: a wrapped line keeps the indent
                        yield Static(marked(text.rstrip(), self.search), classes="timeline-text")
        yield FittingFooter()

    def compose_documents(self, card: Card) -> ComposeResult:
        """The posting's text (scrollable, however long) and the attachments (o opens one)."""
        if card.attachments:
            yield Static("Attachments  (o opens one)", classes="section-title")
            folder = self.session.vault.path / "attachments"
            yield OptionList(
                *(
                    Option(
                        marked(attachment_line(a, (folder / a.blob).exists()), self.search),
                        id=a.id,
                    )
                    for a in card.attachments
                ),
                id="detail-attachments",
                compact=True,
            )
        if card.posting_text:
            yield Static("Posting", classes="section-title")
            area = TextArea(
                card.posting_text, read_only=True, soft_wrap=True, id="detail-posting", compact=True
            )
            area.cursor_blink = False
            yield area

    def found_text(self) -> Content:
        """Where the search matched: "Found “kafka” in posting, note sent"."""
        assert self.search is not None
        state = self.session.board.cards.get(self.card_id)
        places = [f.words for f in found_in(state, self.search)] if state else []
        said = Content.assemble("Found ", (f"“{self.search.text}”", "bold"))
        if not places:
            return Content.assemble(said, " nowhere on this card now")
        return Content.assemble(said, " in ", ", ".join(places))

    def on_mount(self) -> None:
        self._select_first_match()

    def _select_first_match(self) -> None:
        """The posting scrolls in its own box: show its first match there, selected."""
        if not self.search:
            return
        for area in self.query("#detail-posting").results(TextArea):
            found = spans(area.text, self.search)
            if found:
                start, end = found[0]
                area.selection = Selection(_location(area.text, start), _location(area.text, end))
                area.scroll_cursor_visible(center=True, animate=False)

    def action_open_attachment(self) -> None:
        """Decrypt the highlighted attachment to a private copy and hand it to the viewer."""
        from sync.blobs import attachment_bytes
        from tui.card.opener import copies

        attachments = self.card.attachments
        if not attachments:
            return
        index = 0
        for found in self.query("#detail-attachments").results(OptionList):
            index = found.highlighted or 0
        attachment = attachments[min(index, len(attachments) - 1)]
        try:
            data = attachment_bytes(self.session.vault, attachment)
            copies.open(attachment.name, data)
        except FollowupError as exc:
            self.notify(str(exc), title="Not opened", severity="error", timeout=8)
            return
        self.notify(
            f"Opened {attachment.name}: a private copy, removed when you quit followup-tui.",
            title="Attachment",
        )

    def due_lines(self, card: Card) -> list[str]:
        """Every note the card owes, in full ("thank-you: due in 3 h  (24 h after the interview)");
        the board's badge may show only a short form of the first."""
        templates = self.context.templates_read
        if templates is None:
            return []
        now, tz = self.now(), self.context.tz
        return [
            f"{item.badge(now, tz)[0]}  ({item.describe(tz)})"
            if item.kind != "note"
            else f"{item.template}: {item.relative(now, tz)}  ({item.describe(tz)})"
            for item in card_items(card, templates.everything(), now, tz, KINDS)
            if item.kind == "note" or item.status(now, tz) != "upcoming"
        ]

    def cards_changed(self, card_ids: set[str]) -> None:
        """The board changed underneath (a merge); repaint if this card was in it."""
        if self.card_id in card_ids:
            self.call_later(self.card_changed)

    async def card_changed(self) -> None:
        """The card changed underneath (a merge or an edit): show it as it is now."""
        try:
            self.card  # noqa: B018 - raises when the card is gone
        except UnknownCard:
            self.dismiss(None)
            return
        await self.recompose()
        self._select_first_match()

    @on(Button.Pressed, ".keep")
    async def _keep(self, event: Button.Pressed) -> None:
        _, rest = (event.button.id or "").split("-", 1)
        field, index = rest.rsplit("-", 1)
        try:
            self.context.change(lambda board: board.resolve(self.card_id, field, int(index)))
        except FollowupError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return
        self.changed = True
        label = FIELD_LABELS.get(field, field)
        self.notify(f"Kept one version of {label.lower()}.")
        await self.recompose()
        self._select_first_match()

    def _edited(self, result: object) -> None:
        """A dialog opened from here returned what it changed (None: nothing)."""
        if result:
            self.changed = True
            self.call_later(self.card_changed)

    def action_edit(self) -> None:
        from tui.card.edit import CardEditScreen

        self.app.push_screen(CardEditScreen(self.context, self.card), self._edited)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        try:
            card = self.card
        except UnknownCard:
            return False if action == "open_attachment" else None
        if action == "open_attachment":
            return bool(card.attachments)  # hidden on a card without files
        if action == "undo":  # the board's history: every change since it opened
            return True if self.context.history.can_undo else None
        if action == "redo":
            return True if self.context.history.can_redo else None
        acts = {"move", "move_to", "compose", "answered", "next_round", "close_no_answer"}
        if card.deleted and action in acts:
            return None  # in the trash: bring it back first
        if action == "close_no_answer":
            return None if card.stage == "closed" else True
        if action == "move" and parameters:
            index = STAGES.index(card.stage) + int(parameters[0])  # type: ignore[call-overload]
            return True if 0 <= index < len(STAGES) else None
        if action == "delete":
            return None if card.deleted else True
        return True

    def action_move(self, step: int) -> None:
        index = STAGES.index(self.card.stage) + step
        if 0 <= index < len(STAGES):
            self._move_to(STAGES[index])

    def action_move_to(self, number: int) -> None:
        if 1 <= number <= len(STAGES):
            self._move_to(STAGES[number - 1])

    def _move_to(self, stage: str) -> None:
        from tui.board.moves import move_cards

        move_cards(self, self.context, {self.card_id: stage}, self._edited)

    def action_close_no_answer(self) -> None:
        """`x`, as on the board: a card that asks "close as no answer?" is closed at once;
        any other gets the close dialog with "They never answered" picked."""
        from store.notes.due import close_suggestion
        from tui.board.moves import move_cards

        card, templates = self.card, self.context.templates_read
        now, tz = self.now(), self.context.tz
        asked = templates is not None and close_suggestion(card, templates.everything(), now, tz)
        outcome = "no-answer" if asked else None
        move_cards(self, self.context, {card.id: "closed"}, self._edited, outcome, "no-answer")

    def action_compose(self) -> None:
        from tui.followups.compose import ComposeScreen

        self.app.push_screen(ComposeScreen(self.context, self.card_id), self._edited)

    def action_answered(self) -> None:
        from tui.followups.answered import AnsweredScreen

        self.app.push_screen(AnsweredScreen(self.context, self.card_id), self._edited)

    def action_next_round(self) -> None:
        from tui.followups.next_round import NextRoundScreen

        self.app.push_screen(NextRoundScreen(self.context, self.card_id), self._edited)

    def action_tag(self) -> None:
        from tui.card.tags import TagScreen

        self.app.push_screen(TagScreen(self.context, [self.card_id]), self._edited)

    def action_delete(self) -> None:
        card = self.card
        try:
            self.context.change(lambda board: board.delete(card.id))
        except FollowupError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8)
            return
        self.notify(f"Deleted {card.company}. Press u to undo.", title="Moved to the trash")
        self.dismiss(card.id)

    def show_step(self, step: Step) -> None:
        """The board's undo, here too (a slip of `3` or `x` is taken back without leaving): the
        card as it is now."""
        self._edited(True)

    def _body(self) -> VerticalScroll:
        return self.query_one("#detail-body", VerticalScroll)

    def action_scroll(self, step: int) -> None:
        body = self._body()
        body.scroll_relative(y=step, animate=False)

    def action_page(self, step: int) -> None:
        body = self._body()
        body.scroll_relative(
            y=step * max(1, body.scrollable_content_region.height - 1), animate=False
        )

    def action_top(self) -> None:
        self._body().scroll_home(animate=False)

    def action_bottom(self) -> None:
        self._body().scroll_end(animate=False)

    def action_back(self) -> None:
        self.dismiss(self.card_id if self.changed else None)
