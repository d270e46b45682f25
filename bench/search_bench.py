"""`python -m bench search`: search over everything at 1,000 and 10,000 cards, beside a plain
substring scan of the same texts.

Cards as a real search leaves them (bench/store_bench.py's `fill`: people, notes, a note sent)
plus a posting of about 2 KB each, a third of them with accents. Figures, each beside a baseline
measured in the same run on the same texts:
- the first search (every card's text gathered and folded once) beside lower-casing the same
  texts once;
- a search (a rare word, a common one, two words) beside `word in text` over the texts
  lower-cased beforehand — the floor any substring search pays — and beside the plain scan that
  lower-cases each text on every query;
- a search right after one card changed (only that card is folded again).
Never touches the user's files: everything is in memory.
"""

from __future__ import annotations

import random

from bench.common import header, measure, row
from bench.store_bench import fill
from store.cards.board import Board
from store.cards.search import Query, SearchIndex, card_texts

POSTING = (
    "We are looking for a {role} to join our platform team. You will design services in "
    "Python and Go, run Postgres and Kafka in production, review pull requests and mentor "
    "colleagues. {extra} Benefits: remote-friendly, learning budget, 30 days of holiday. "
)
ACCENTS = "Unser Büro in München liegt am Marienplatz; Bewerbungen gern auf Deutsch oder Französisch (café, résumé). "


def board_of(count: int) -> Board:
    board = Board("aaaaaaaaaaaa")
    ids = fill(board, count)
    rng = random.Random(11)
    for number, card_id in enumerate(ids):
        extra = ACCENTS if number % 3 == 0 else ""
        text = (POSTING.format(role=rng.choice(["SRE", "backend developer"]), extra=extra)) * 5
        board.edit(card_id, {"posting_text": text + f"Reference {number}."})
    return board


def main(sizes: list[int]) -> None:
    for count in sizes:
        bench_size(count)


def bench_size(count: int) -> None:
    header(f"search: {count:,} cards, every text of each (about 2.5 KB a card)")
    board = board_of(count)
    raw = {cid: "\n".join(t for _, t in card_texts(state)) for cid, state in board.cards.items()}
    lowered = {cid: text.lower() for cid, text in raw.items()}
    index = SearchIndex(board)

    def first_search() -> None:
        index.forget()
        index.search(Query.parse("kafka"))

    def lower_once() -> None:
        {cid: text.lower() for cid, text in raw.items()}

    row(
        "first search (fold every card once)",
        measure(first_search, repeat=3),
        measure(lower_once, repeat=3),
    )
    index.search(Query.parse("x"))
    for typed in ("reference 4242", "kafka", "munchen kafka"):
        query = Query.parse(typed)
        words = typed.split()

        def ours(q: Query = query) -> None:
            index.search(q)

        def floor(w: list[str] = words) -> None:
            [cid for cid, text in lowered.items() if all(x in text for x in w)]

        def naive(w: list[str] = words) -> None:
            [cid for cid, text in raw.items() if all(x in text.lower() for x in w)]

        hits = len(index.search(query))
        row(
            f"search {typed!r} ({hits:,} hits) vs pre-lowered scan",
            measure(ours),
            measure(floor),
        )
        row(f"search {typed!r} vs lower-per-query scan", measure(ours), measure(naive))
    card_id = next(iter(board.cards))

    def after_a_change() -> None:
        board.edit(card_id, {"notes": f"changed {random.random()}"})
        index.search(Query.parse("kafka"))

    row(
        "search after one card changed (one card refolded)",
        measure(after_a_change),
        measure(lambda: index.search(Query.parse("kafka"))),
    )
