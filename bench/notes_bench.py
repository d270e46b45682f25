"""`python -m bench notes`: the cost of the follow-up rules at 1,000 and 10,000 cards.

Each figure beside a baseline measured in the same run on the same data:
- the Today list (every due rule of the six default templates on every card, sorted by
  urgency) beside a plain pass over the same cards reading one field and sorting by it;
- one board badge (the rules for one card, what a painted card costs) beside reading the card;
- rendering one thank-you note in the sandbox (line budget, size checks, trace) beside the
  same template in jinja2's plain `Environment`;
- loading the six default templates (parse, check, trial render) beside `yaml.safe_load` of
  the same files.

It must never touch the user's config or vaults: the cards live in memory only.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import jinja2
import yaml

from bench.common import header, measure, row
from store.cards.board import Board
from store.cards.model import STAGES, Card
from store.notes.due import KINDS, board_items
from store.notes.due_index import DueIndex
from store.notes.templates import TemplateSet, default_files
from tui.context import board_badge

NOW = datetime(2026, 11, 2, 12, 0, tzinfo=UTC)
TZ = UTC


def fill(count: int, seed: int = 11) -> Board:
    """`count` cards across the stages, each with a note sent and some with an answer."""
    rng = random.Random(seed)
    board = Board("b0000000000a")
    for number in range(count):
        when = NOW - timedelta(hours=rng.randint(1, 24 * 120))
        card_id = board.add(
            {
                "company": f"Company {number}",
                "role": "Backend developer",
                "interviewed_at": when,
                "interviewers": [{"name": "Ann Lee", "title": "CTO", "email": "a@x.io"}],
                "key_points": ["Go and Postgres", "On-call one week in eight"],
            },
            at=when,
        )
        stage = rng.choice(STAGES)
        if stage != "interviewed":
            board.log(card_id, "note_sent", at=when + timedelta(hours=5), template="thank-you")
            board.move(card_id, stage, outcome="rejected" if stage == "closed" else None)
        if rng.random() < 0.2:
            board.log(card_id, "answered", at=when + timedelta(days=3), text="soon")
    return board


def main(sizes: list[int]) -> None:
    templates = TemplateSet(None)
    rules = templates.everything()  # as Today and the badges read them: every kind of item
    for size in sizes:
        board = fill(size)
        cards = board.all()
        header(f"follow-up rules, {size:,} cards")
        plain = measure(
            lambda cards=cards: sorted(
                (c for c in cards if c.interviewed_at), key=lambda c: c.interviewed_at
            ),
            repeat=7,
        )
        # As the app lists them: the board's index, each card's rules worked out once per
        # card version (the first time, every card; after that, only the cards that changed).
        first = measure(lambda cards=cards: DueIndex(TZ).listed(cards, rules, NOW), repeat=3)
        index = DueIndex(TZ)
        listed = measure(lambda cards=cards, i=index: i.listed(cards, rules, NOW), repeat=7)
        row("Today list (index warm: all cards, sorted)", listed, plain)
        row("Today list, first time (every card worked out)", first, plain)
        unindexed = measure(
            lambda cards=cards: board_items(cards, rules, NOW, TZ, kinds=KINDS), repeat=3
        )
        row("Today list without the index (board_items)", unindexed, plain)
        badge = board_badge(lambda: templates, None, DueIndex(None))  # as the app: local time
        sample = cards[: min(200, len(cards))]
        per_read = measure(lambda b=board, s=sample: [b.card(c.id) for c in s]) / len(sample)
        cold = measure(
            lambda s=sample: [b(c, NOW) for b in [board_badge(lambda: templates, None)] for c in s]
        ) / len(sample)
        for card in sample:
            badge(card, NOW)
        per_badge = measure(lambda b=badge, s=sample: [b(c, NOW) for c in s]) / len(sample)
        row("one board badge (per card painted)", per_badge, per_read)
        row("one board badge, first paint of the card", cold, per_read)
        # A change on one card: painting every card again works out that one card alone.
        shared = DueIndex(None)
        paint = board_badge(lambda: templates, None, shared)
        for card in cards:
            paint(card, NOW)
        before = shared.worked_out
        board.edit(cards[0].id, {"notes": "edited"})
        for card in board.all():
            paint(card, NOW)
        again = shared.worked_out - before
        print(f"  badges worked out again after a change on one card: {again} of {size:,}")
        # The list the board opens after a move: one card changed since the last read, its
        # items moved in the kept list, the one card worked out again.
        edited: list[list[Card]] = []

        def edit_one(
            b: Board = board, c: list[Card] = cards, done: list[list[Card]] = edited
        ) -> None:
            b.edit(c[len(done) % len(c)].id, {"notes": f"moved {len(done)}"})
            done.append(b.all())

        after_one = measure(
            lambda i=index, done=edited: i.listed(done[-1], rules, NOW), repeat=7, setup=edit_one
        )
        row("Today list after a change on one card", after_one, plain)

    header("notes")
    card = fill(1).all()[0]
    template = templates.get("thank-you")
    profile = {"name": "Sam Doe", "signature": "Sam Doe"}
    from store.notes.placeholders import card_context

    context = card_context(card, profile, NOW, TZ)
    plain_env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
    plain_template = plain_env.from_string(template.body)
    sandboxed = measure(lambda: template.render(card, profile, NOW, TZ), repeat=50)
    unguarded = measure(lambda: plain_template.render(context), repeat=50)
    row("render a thank-you note (sandboxed)", sandboxed, unguarded)
    loaded = measure(lambda: TemplateSet(None), repeat=5)
    texts = [p.read_text() for p in default_files()]
    parsed = measure(lambda: [yaml.safe_load(t) for t in texts], repeat=5)
    row("load the six default templates", loaded, parsed)
