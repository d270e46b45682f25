"""Every key of the board, declared once: the footer, help, the command palette and the user's
keymap (`keymap:` in config.yaml, by binding id) all read `BOARD_BINDINGS`.

To add a board action, add a `Binding` with an id, a description and a tooltip here, and an
`action_…` method on `BoardScreen`. Keys the footer has no room for are `show=False`: help and
the palette still list them. A card's own screen takes the keys that make sense for one card
from here (`for_one_card`), so each key and its words are declared once.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding

from store.cards.model import STAGES

STAGE_TITLES = {
    "interviewed": "Interviewed",
    "thanked": "Thanked",
    "waiting": "Waiting",
    "followed-up": "Followed up",
    "closed": "Closed",
}

MOVE = Binding.Group("Move")

BOARD_BINDINGS: list[Binding] = [
    Binding("n", "new_card", "New", id="new-card", tooltip="Add a card for an interview"),
    Binding("enter", "open_card", "Open", id="open-card", tooltip="Show every field of the card"),
    Binding("e", "edit_card", "Edit", id="edit-card", tooltip="Edit the card's fields"),
    # The footer shows these two as one "< > Move" (MOVE); help and the palette list both.
    Binding(
        "shift+left,less_than_sign",
        "move_previous",
        "Prev stage",
        id="move-previous",
        key_display="<",
        tooltip="Move the card (or the marked cards) back a stage",
        group=MOVE,
    ),
    Binding(
        "shift+right,greater_than_sign",
        "move_next",
        "Next stage",
        id="move-next",
        key_display=">",
        tooltip="Move the card (or the marked cards) to the next stage",
        group=MOVE,
    ),
    *(
        Binding(
            str(number),
            f"move_to({number})",
            f"To {STAGE_TITLES[stage].lower()}",
            id=f"move-to-{stage}",
            show=False,
            tooltip=f"Move the card (or the marked cards) to {stage}",
        )
        for number, stage in enumerate(STAGES, start=1)
    ),
    Binding(
        "space",
        "mark",
        "Mark",
        id="mark-card",
        show=False,
        tooltip="Mark the card (again: unmark it); moves, closing, delete and tags then act "
        "on every marked card",
    ),
    Binding(
        "d",
        "delete_card",
        "Delete",
        id="delete-card",
        tooltip="Move the card (or the marked cards) to the trash",
    ),
    Binding(
        "x",
        "close_no_answer",
        "Close: no answer",
        id="close-no-answer",
        show=False,
        tooltip="Close the card (or the marked cards) as no answer (what a card silent for weeks "
        "asks)",
    ),
    Binding(
        "u",
        "undo",
        "Undo",
        id="undo",
        show=False,
        tooltip="Undo the last change made since opening",
    ),
    Binding("ctrl+r", "redo", "Redo", id="redo", show=False, tooltip="Redo what was undone"),
    Binding(
        "slash",
        "filter",
        "Filter",
        id="filter",
        tooltip="Search every text of the cards: people, notes, tags, the posting, notes sent, "
        "answers",
    ),
    Binding(
        "escape",
        "clear_filter",
        "Clear marks or filter",
        id="clear-filter",
        show=False,
        tooltip="Unmark every card; again, show every card",
    ),
    Binding("left,h", "focus_left", "Left", id="focus-left", show=False),
    Binding("right,l", "focus_right", "Right", id="focus-right", show=False),
    Binding("up,k", "focus_up", "Up", id="focus-up", show=False),
    Binding("down,j", "focus_down", "Down", id="focus-down", show=False),
    Binding("pageup", "page_up", "Page up", id="page-up", show=False),
    Binding("pagedown", "page_down", "Page down", id="page-down", show=False),
    Binding("home,g", "first_card", "First card", id="first-card", show=False),
    Binding("end,G", "last_card", "Last card", id="last-card", show=False),
    Binding("c", "compose", "Compose", id="compose-note", tooltip="Write a note from a template"),
    Binding("t", "today", "Today", id="today", tooltip="Every note due or overdue, most urgent"),
    Binding(
        "a",
        "answered",
        "Answered",
        id="employer-answered",
        show=False,
        tooltip="The employer answered: stops the follow-up clock",
    ),
    Binding(
        "r",
        "next_round",
        "Next round",
        id="next-round",
        show=False,
        tooltip="Another interview: its date, and the card back to interviewed",
    ),
    Binding(
        "number_sign",
        "tag",
        "Tag",
        id="tag-cards",
        key_display="#",
        show=False,
        tooltip="Add or remove tags on the card (or the marked cards)",
    ),
    Binding("s", "insight", "Insight", id="insight", show=False, tooltip="How the search is going"),
    Binding("T", "trash", "Trash", id="trash", show=False, tooltip="Deleted cards: bring one back"),
    Binding(
        "E",
        "export",
        "Export",
        id="export",
        show=False,
        tooltip="Write the board to a file: CSV, a JSON backup, Markdown or a calendar",
    ),
    Binding("O", "offers", "Offers", id="offers", show=False, tooltip="The offers side by side"),
    Binding(
        "P",
        "people",
        "People",
        id="people",
        show=False,
        tooltip="Everyone on the cards, once each: enter shows their cards",
    ),
    Binding(
        "at",
        "profile",
        "Profile",
        id="profile",
        key_display="@",
        show=False,
        tooltip="Your name and signature, used in notes",
    ),
    Binding(
        "K",
        "change_passphrase",
        "Change passphrase",
        id="change-passphrase",
        show=False,
        tooltip="A new passphrase for the vault (and a new key for what is written from now on)",
    ),
    Binding("question_mark", "help", "Help", id="help", tooltip="Every key of the board"),
    Binding("q", "quit", "Quit", id="quit", tooltip="Leave (everything is already saved)"),
]

_BOARD_KEYS = {binding.id: binding for binding in BOARD_BINDINGS}


def for_one_card(board_id: str, new_id: str, **changes: Any) -> Binding:
    """The board's key for `board_id`, on a screen that shows one card (the card's own screen):
    the same key and words, an id of its own so a keymap can set the two apart, no footer group,
    and "the card (or the marked cards)" said as "the card". `changes` (the screen's own action,
    say) override the rest."""
    binding = _BOARD_KEYS[board_id]
    tooltip = binding.tooltip.replace(" (or the marked cards)", "")
    return replace(binding, id=new_id, tooltip=tooltip, group=None, **changes)
