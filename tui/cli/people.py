"""`followup-tui people [TEXT] [--json]`: every interviewer and contact across the cards, once.

Who counts as one person, their titles, companies, cards and last contact: `store.cards.people`
decides (the People screen shows the same list). TEXT keeps the people whose name, email,
company or title holds every word of it. `--json` is a stable shape (README).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime

from store.cards.people import Person, matching, people
from tui.cli.context import open_session
from tui.cli.lines import TITLE_WIDTH, card_title, clip

PART_WIDTH = 40  # a person's name, title or email in their line


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "people",
        help="every interviewer and contact across the cards, once each",
        description="One entry per person (the same email in any case is the same person; "
        "without an email, the same name at the same company), with their titles, companies, "
        "the cards they are on and the last contact.",
    )
    p.add_argument("text", nargs="?", default="", metavar="TEXT", help="only people matching")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_people)


def person_line(person: Person) -> str:
    """Who, where, how many cards, when last: a long name, title or company list is cut (each
    on its own, so the counts and the date after them stay on the line)."""
    who = clip(person.name, PART_WIDTH)
    if person.titles:
        who += f", {clip(person.titles[0], PART_WIDTH)}"
    if person.email and person.email != person.name:
        who += f" <{clip(person.email, PART_WIDTH)}>"
    cards = len(person.card_ids)
    contact = person.last_contact.astimezone().strftime("%Y-%m-%d") if person.last_contact else "—"
    companies = clip(", ".join(person.companies), TITLE_WIDTH)
    return (
        f"{who}  ·  {companies}  ·  {cards} card{'s' if cards != 1 else ''}"
        f"  ·  last contact {contact}"
    )


def cmd_people(args: argparse.Namespace) -> int:
    session = open_session(args.vault)
    found = people(session.board.all(), datetime.now(UTC))
    if args.text.strip():
        found = matching(found, args.text)
    if args.json:
        json.dump([p.to_json() for p in found], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not found:
        what = f" matching {args.text.strip()!r}" if args.text.strip() else ""
        print(f"No people{what} on the cards yet.", file=sys.stderr)
    for person in found:
        print(person_line(person))
        for seen in person.appearances:
            card = seen.card
            print(f"    {card.id}  {card_title(card)}  ({clip(seen.role, PART_WIDTH)})")
    return 0
