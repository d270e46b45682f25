"""The card commands: init, add, list, show, move, edit, delete, restore, resolve, passwd.

Output for people is short text; `--json` output is the stable shape of `Card.to_json()`
(documented in the README) so scripts can rely on it.
"""

from __future__ import annotations

import argparse
import socket
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from store.cards.board import Board
from store.cards.companies import application_line, earlier_applications
from store.cards.dates import duration_text, parse_day, parse_duration, parse_when
from store.cards.fields import parse_email, parse_person, split_lines
from store.cards.model import Card, version_text
from store.cards.search import Query, SearchIndex, found_in
from store.cards.stages import OUTCOMES, STAGES
from store.config import Config
from store.errors import BadValue, FollowupError
from store.notes.due import interview_item, interview_notice
from store.untrusted import MAX_PASSPHRASE_BYTES, printable, read_capped
from store.untrusted import one_line as single_line
from store.vault.crypto import Vault
from store.vault.encoding import indented_json
from store.vault.passphrase import passphrase_from_env
from store.vault.session import Session
from tui.cli import UsageError
from tui.cli.context import ask_passphrase, open_session, open_unlocked
from tui.cli.documents import add_document_options, document_fields, document_lines
from tui.cli.lines import card_title
from tui.crash import one_line


def add_field_options(parser: argparse.ArgumentParser, for_edit: bool) -> None:
    req = not for_edit
    parser.add_argument("--company", required=req)
    parser.add_argument("--role", required=False, default=None)
    if not for_edit:
        parser.add_argument("--stage", choices=STAGES, default=None)
    else:
        parser.add_argument("--stage", choices=STAGES, default=None, help="move to this stage")
    parser.add_argument("--round", default=None, help="interview round, e.g. 'second'")
    parser.add_argument("--interviewed-at", metavar="WHEN", default=None)
    parser.add_argument(
        "--duration", metavar="LENGTH", default=None, help="how long it lasts: 45 min, 1h30 (1 h)"
    )
    parser.add_argument(
        "--interviewer", action="append", metavar='"Name, Title <email>"', default=None
    )
    parser.add_argument("--key-point", action="append", metavar="TEXT", default=None)
    parser.add_argument("--question", action="append", metavar="TEXT", default=None)
    parser.add_argument(
        "--ask", action="append", metavar="TEXT", default=None, help="a question to ask them"
    )
    parser.add_argument("--research", default=None, help="what you found out about the company")
    parser.add_argument("--promised-by", metavar="DATE", default=None)
    parser.add_argument("--link", action="append", metavar="URL", default=None)
    parser.add_argument("--contact-email", default=None)
    parser.add_argument("--notes", default=None)
    parser.add_argument("--tag", action="append", metavar="TAG", default=None)
    parser.add_argument("--outcome", default=None, help=", ".join(OUTCOMES))
    parser.add_argument("--learned", default=None, help="what I learned (kept on the card)")
    add_document_options(parser)  # the posting, the résumé sent, the offer (issue 14)


def fields_from_args(args: argparse.Namespace) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name in (
        "company",
        "role",
        "round",
        "contact_email",
        "notes",
        "outcome",
        "learned",
        "research",
    ):
        value = getattr(args, name, None)
        if value is not None:
            fields[name] = parse_email(value) if name == "contact_email" else value
    if args.interviewed_at is not None or args.promised_by is not None:
        order = Config.load().date_reading
    if args.interviewed_at is not None:
        fields["interviewed_at"] = (
            parse_when(args.interviewed_at, order=order) if args.interviewed_at else None
        )
    if args.promised_by is not None:
        fields["promised_by"] = (
            parse_day(args.promised_by, order=order) if args.promised_by else None
        )
    if args.duration is not None:
        fields["duration"] = parse_duration(args.duration) if args.duration.strip() else None
    if args.interviewer is not None:
        fields["interviewers"] = [parse_person(i) for i in args.interviewer if i.strip()]
    for option, name in (
        ("key_point", "key_points"),
        ("question", "questions"),
        ("ask", "questions_to_ask"),
        ("link", "links"),
        ("tag", "tags"),
    ):
        value = getattr(args, option)
        if value is not None:
            # Read as the form reads them: "--key-point '- a - b'" is two points, not one.
            lines = name in ("key_points", "questions")
            fields[name] = [item for v in value for item in split_lines(v)] if lines else value
    fields.update(document_fields(args))  # issue 14
    return fields


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("init", help="create a vault in PATH")
    p.add_argument("path")
    # SUPPRESS: `followup-tui --device-name X init PATH` must not be reset to None here.
    p.add_argument("--device-name", default=argparse.SUPPRESS, help="this device's name")
    p.set_defaults(func=cmd_init)

    p = subparsers.add_parser("add", help="add a card; prints its id")
    add_field_options(p, for_edit=False)
    p.set_defaults(func=cmd_add)

    p = subparsers.add_parser("list", help="list cards")
    p.add_argument("--stage", choices=STAGES)
    p.add_argument("--all", action="store_true", help="include deleted cards")
    p.add_argument(
        "--search",
        metavar="TEXT",
        help="only cards holding every word of TEXT anywhere (people, notes, posting, notes "
        'sent, answers…); case and accents do not matter; "quote" a phrase',
    )
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--ids", action="store_true", help="only each id and its company (for shell completion)"
    )
    p.set_defaults(func=cmd_list)

    p = subparsers.add_parser("show", help="show one card")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_show)

    p = subparsers.add_parser("move", help="move a card to a stage")
    p.add_argument("id")
    p.add_argument("stage", choices=STAGES)
    p.add_argument("--outcome", default=None, help="with closed: " + ", ".join(OUTCOMES))
    p.set_defaults(func=cmd_move)

    p = subparsers.add_parser("edit", help="change fields of a card")
    p.add_argument("id")
    add_field_options(p, for_edit=True)
    p.set_defaults(func=cmd_edit)

    for name, helptext in (
        ("delete", "move a card to the trash"),
        ("restore", "restore from the trash"),
    ):
        p = subparsers.add_parser(name, help=helptext)
        p.add_argument("id")
        p.set_defaults(func=cmd_delete if name == "delete" else cmd_restore)

    p = subparsers.add_parser("resolve", help="pick one version of a conflicted field")
    p.add_argument("id")
    p.add_argument("field")
    p.add_argument("--keep", required=True, metavar="VALUE-OR-INDEX")
    p.set_defaults(func=cmd_resolve)

    p = subparsers.add_parser(
        "passwd", help="change the vault's passphrase (and the key new writes are sealed with)"
    )
    p.add_argument("--new-password-file", metavar="FILE")
    p.set_defaults(func=cmd_passwd)


def _device_name(args_name: str | None, config: Config) -> str:
    if args_name:
        return args_name
    if config.exists and config.device_name:
        return config.device_name
    return socket.gethostname() or "this laptop"


def cmd_init(args: argparse.Namespace) -> int:
    config = Config.load()
    if not args.path.strip():
        raise FollowupError(
            "Give the folder for the new vault, e.g. followup-tui init ~/Sync/followup."
        )
    path = Path(args.path).expanduser().resolve()
    if (path / "vault.json").exists():
        raise FollowupError(f"{path} already holds a vault; open it with --vault {path}.")
    if path.exists() and not path.is_dir():
        raise FollowupError(f"{path} is a file, not a folder; pick a folder for the vault.")
    passphrase = ask_passphrase("New passphrase: ", confirm=True)
    vault = Vault.create(path, passphrase)
    from store.notes.templates import install_defaults

    install_defaults(path)  # the default note templates, so they sync and can be edited
    config.vault = str(path)
    config.device_name = _device_name(getattr(args, "device_name", None), config)
    config.save()
    session = open_unlocked(vault, config)
    session.persist_if_changed()
    print(f"Created a vault in {path} (this device: {config.device_name}).", file=sys.stderr)
    return 0


def check_closing(stage: str | None, outcome: str | None) -> None:
    """Closing asks how it ended (the board asks in a dialog; the CLI cannot): a usage error
    before anything is opened, and so is an outcome for a card that is not being closed."""
    if stage == "closed" and not (outcome and outcome.strip()):
        raise UsageError(
            f"closing a card needs --outcome {' | '.join(OUTCOMES)}, "
            "e.g. followup-tui move ID closed --outcome rejected"
        )
    if outcome and stage not in (None, "closed"):
        raise UsageError(f"--outcome goes with the stage closed, not {stage}")


def cmd_add(args: argparse.Namespace) -> int:
    check_closing(args.stage, args.outcome)
    fields = fields_from_args(args)
    if args.stage:
        fields["stage"] = args.stage
    session = _open(args)
    card_id = session.change(lambda board: board.add(fields))
    print(card_id)
    card = session.board.card(card_id)
    for earlier in earlier_applications(session.board.all(), card.company, except_id=card_id):
        print(f"note: {application_line(earlier, now=datetime.now(UTC))}", file=sys.stderr)
    say_interview_ahead(card)
    return 0


def say_interview_ahead(card: Card) -> None:
    """An interview typed for later (today 09:00 at 07:45) is said, never taken as past."""
    notice = interview_notice(card, datetime.now(UTC), None)
    if notice:
        print(f"{card.company}: {notice}.", file=sys.stderr)


def _open(args: argparse.Namespace) -> Session:
    """Open the vault; a replica that could not be read is one warning line each on stderr
    (the command still runs on what could be read: every replica is a full copy)."""
    session = open_session(args.vault)
    for path, reason in sorted(session.problems.items()):
        print(f"followup-tui: warning: {one_line(f'{path}: {reason}')}", file=sys.stderr)
    return session


def _card_line(card: Card, now: datetime | None = None) -> str:
    when = card.interviewed_at.astimezone().strftime("%Y-%m-%d") if card.interviewed_at else "-"
    flags = " [deleted]" if card.deleted else ""
    flags += " [conflict]" if card.conflicts else ""
    ahead = interview_item(card, now) if now is not None else None
    if ahead is not None and now is not None:
        flags += f" [interview {ahead.relative(now, None)}]"
    return f"{card.id}  {card.stage:<12} {when:<10}  {card_title(card)}{flags}"


def _sorted(cards: list[Card]) -> list[Card]:
    return sorted(cards, key=lambda c: (STAGES.index(c.stage), c.company.lower(), c.id))


def cmd_list(args: argparse.Namespace) -> int:
    query = Query.parse(args.search) if args.search is not None else None
    if query is not None and not query:
        raise BadValue("--search needs a word to look for.")
    session = _open(args)
    board = session.board
    ids = SearchIndex(board).search(query) if query else list(board.ids())
    cards = [board.card(card_id) for card_id in ids]
    cards = [c for c in cards if args.all or not c.deleted]
    if args.stage:
        cards = [c for c in cards if c.stage == args.stage]
    cards = _sorted(cards)
    found = {c.id: found_in(board.cards[c.id], query) for c in cards} if query else {}
    if args.json:
        shown = [c.to_json() for c in cards]
        free = [part for card in cards for part in card.stored_as_is()]
        if query:  # where each card matched: {field, where, excerpt}
            for card, data in zip(cards, shown, strict=True):
                data["matched"] = [f.to_json() for f in found[card.id]]
                free.append(data["matched"])
        # One write: `json.dump` to the stream would hand it a fragment at a time, each made
        # printable on its own (140,000 writes for 1,000 cards).
        sys.stdout.write(indented_json(shown, free))
        sys.stdout.write("\n")
    elif args.ids:
        for card in cards:  # id, a tab, what it is: the shape fish and zsh describe items in
            print(f"{card.id}\t{card_title(card)} ({card.stage})")
    else:
        now = datetime.now(UTC)
        lines = []
        for card in cards:
            lines.append(f"{_card_line(card, now)}\n")
            lines.extend(
                f"    {place.words}: {place.excerpt}\n" for place in found.get(card.id, ())
            )
        sys.stdout.write("".join(lines))  # one write, not one per card
        if query and not cards:
            print(f"No card holds {query.text!r}.", file=sys.stderr)
    return 0


def describe_card(card: Card, board: Board, now: datetime | None = None) -> str:
    lines = [card.heading, f"id: {card.id}", f"stage: {card.stage}"]
    if card.deleted:
        lines.append("in the trash (followup-tui restore to bring it back)")
    if card.outcome:
        lines.append(f"outcome: {card.outcome}")
    if card.round:
        lines.append(f"round: {card.round}")
    ahead = interview_item(card, now) if now is not None else None
    if ahead is not None and now is not None:
        when = f"{card.interviewed_at.astimezone():%Y-%m-%d}, {ahead.describe()}"  # type: ignore[union-attr]
        lines.append(f"interview: {when} ({ahead.relative(now, None)})")
    elif card.interviewed_at:
        lines.append(f"interviewed: {card.interviewed_at.astimezone():%Y-%m-%d %H:%M}")
    if card.interviewed_at and card.duration:
        lines.append(f"duration: {duration_text(card.duration)}")
    if card.promised_by:
        lines.append(f"answer promised by: {card.promised_by.isoformat()}")
    for person in card.interviewers:
        lines.append(f"interviewer: {person}")
    for label, values in (
        ("key point", card.key_points),
        ("question", card.questions),
        ("to ask", card.questions_to_ask),
        ("link", card.links),
    ):
        lines.extend(f"{label}: {v}" for v in values)
    if card.research:
        lines.append("research: " + card.research)
    if card.contact_email:
        lines.append(f"contact: {card.contact_email}")
    if card.tags:
        lines.append("tags: " + ", ".join(card.tags))
    if card.notes:
        lines.append("notes: " + card.notes)
    if card.learned:
        lines.append("learned: " + card.learned)
    lines.extend(document_lines(card))  # issue 14
    for name, conflicts in card.conflicts.items():
        current = version_text(name, _stored_value(card, name))
        lines.append(f"CONFLICT on {name}: 0 = {current!r} (current)")
        for index, conflict in enumerate(conflicts, start=1):
            who = board.device_name(conflict.device)
            lines.append(f"    {index} = {version_text(name, conflict.value)!r} (from {who})")
        lines.append(f"    pick one: followup-tui resolve {card.id} {name} --keep INDEX")
    lines.append("timeline:")
    for event in card.timeline:  # what an undo took back is left out (`in_effect`)
        hidden = ("text", "as_of", "sha256", "blob", "attachment")  # ids: show --json
        detail = ", ".join(f"{k}={v}" for k, v in event.data.items() if k not in hidden)
        lines.append(f"  {event.at.astimezone():%Y-%m-%d %H:%M}  {event.kind}  {detail}".rstrip())
        if "text" in event.data:
            lines.extend(f"      {line}" for line in str(event.data["text"]).splitlines())
    return printable("\n".join(lines))


def _stored_value(card: Card, name: str) -> Any:
    """A field's current value in its stored (JSON) form, as conflict versions are kept."""
    return card.to_json()[name]


def cmd_show(args: argparse.Namespace) -> int:
    session = _open(args)
    card = session.board.find(args.id)
    if args.json:
        sys.stdout.write(indented_json(card.to_json(), card.stored_as_is()) + "\n")
    else:
        print(describe_card(card, session.board, datetime.now(UTC)))
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    check_closing(args.stage, args.outcome)
    session = _open(args)
    card = session.board.find(args.id, include_deleted=False)
    moved = session.change(lambda board: board.move(card.id, args.stage, outcome=args.outcome))
    print(f"{moved.id} → {moved.stage}", file=sys.stderr)
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    if args.stage:
        check_closing(args.stage, args.outcome)
    fields = fields_from_args(args)
    if not fields and not args.stage:
        raise BadValue("Nothing to change: give at least one --FIELD VALUE.")
    session = _open(args)
    card = session.board.find(args.id)

    def apply(board: Board) -> Card:
        edited = board.edit(card.id, fields) if fields else card
        if args.stage:
            edited = board.move(card.id, args.stage, outcome=fields.get("outcome"))
        return edited

    edited = session.change(apply)
    if "interviewed_at" in fields or "duration" in fields:
        say_interview_ahead(edited)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    session = _open(args)
    card = session.board.find(args.id)
    session.change(lambda board: board.delete(card.id))
    print(
        f"{card.id} moved to the trash (followup-tui restore {card.id} brings it back).",
        file=sys.stderr,
    )
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    session = _open(args)
    card = session.board.find(args.id)
    what = f"{single_line(card.heading)} ({card.id})"
    if not card.deleted:
        print(f"{what} is not in the trash; nothing to restore.", file=sys.stderr)
        return 0
    restored = session.change(lambda board: board.restore(card.id))
    print(f"Restored {what} from the trash, back in {restored.stage}.", file=sys.stderr)
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    session = _open(args)
    card = session.board.find(args.id)
    session.change(lambda board: board.resolve(card.id, args.field, args.keep))
    return 0


def cmd_passwd(args: argparse.Namespace) -> int:
    config = Config.load()
    from tui.cli.context import vault_path

    path = vault_path(args.vault, config)
    Vault.read_header(path)
    vault = Vault.unlock(path, ask_passphrase("Current passphrase: "))
    if args.new_password_file:
        try:
            raw = read_capped(
                Path(args.new_password_file).expanduser(), MAX_PASSPHRASE_BYTES, allow_pipe=True
            )
            new = raw.decode("utf-8").rstrip("\r\n")
        except OSError as exc:
            raise FollowupError(
                f"{args.new_password_file}: cannot read it ({exc.strerror or exc})."
            ) from None
        except UnicodeDecodeError:
            raise FollowupError(f"{args.new_password_file}: not UTF-8 text.") from None
    elif sys.stdin.isatty() and passphrase_from_env() is None:
        import getpass

        new = getpass.getpass("New passphrase: ")
        if getpass.getpass("Again: ") != new:
            raise FollowupError("The two passphrases differ; nothing was changed.")
    else:
        raise FollowupError("Give the new passphrase with --new-password-file FILE.")
    vault.change_passphrase(new)
    print(
        "Passphrase changed, and with it the key new writes are sealed with: each device "
        "uses it from its next write (a board already open asks to be opened again); "
        "replicas written before still open.",
        file=sys.stderr,
    )
    return 0
