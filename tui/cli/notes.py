"""The follow-up commands: due, compose, answered, round, templates, profile.

`due --json` and `templates --json` are stable shapes for scripts (README). Template problems
(a broken file in `<vault>/templates/`) are warnings on stderr here: the last good or built-in
version is used, so a typo in one template never stops a command. Only `templates` itself
exits 1 when a file needs fixing, so scripts and `doctor`-style checks can notice.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from store.cards.dates import parse_day, parse_duration, parse_when
from store.cards.fields import parse_email
from store.cards.model import Card
from store.config import Config
from store.errors import BadValue, FollowupError
from store.language import LocaleProblem, check_locale
from store.notes.due import KINDS, DueItem, board_items, interview_notice
from store.notes.flow import record_answer, record_round, record_sent
from store.notes.placeholders import PLACEHOLDERS, PROFILE_KEYS
from store.notes.templates import Note, Template, TemplateSet, install_defaults
from store.untrusted import MAX_SMALL_FILE_BYTES, read_capped
from store.vault.encoding import indented_json
from store.vault.session import Session
from tui.cli.context import open_session, vault_path
from tui.cli.lines import card_title, column

NAME_WIDTH = 20  # the `due` column of what is due: "thank-you", "interview", "close?"


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "due",
        help="notes due or overdue, interviews ahead, cards to close; most urgent first",
        description="Lists the notes due or overdue, today's and tomorrow's interviews and the "
        "cards whose silence asks to close them. --count prints one number, for a shell "
        "prompt or a status bar: PS1='$(followup-tui due --count) '.",
    )
    p.add_argument("--all", action="store_true", help="also list what comes up later")
    p.add_argument("--json", action="store_true")
    p.add_argument("--count", action="store_true", help="print only how many are listed")
    p.set_defaults(func=cmd_due)

    p = subparsers.add_parser(
        "compose",
        help="print a card's note from a template; --sent records it as sent",
        description="Prints the note (a Subject: line, a blank line, the body). Without "
        "TEMPLATE, the suggested one for the card. --sent logs the exact text on the card's "
        "timeline and moves the card on (interviewed → thanked, waiting → followed-up). "
        "--mailto prints the note as a mailto: URL instead, for a mail client.",
    )
    p.add_argument("id")
    p.add_argument("template", nargs="?", default=None)
    p.add_argument("--sent", action="store_true", help="record the note as sent")
    p.add_argument(
        "--mailto",
        action="store_true",
        help="print a mailto: URL with To, Subject and the note (for xdg-open or a mail client)",
    )
    p.add_argument(
        "--to",
        metavar="ADDRESS",
        help="who it goes to (default: the card's contact email, else the first interviewer's)",
    )
    p.add_argument(
        "--from-file",
        metavar="FILE",
        help="with --sent: record this edited text instead (a Subject: line, then the body)",
    )
    p.set_defaults(func=cmd_compose)

    p = subparsers.add_parser("answered", help="the employer answered: stops the follow-up clock")
    p.add_argument("id")
    p.add_argument("--note", metavar="TEXT", help="what they said")
    p.add_argument("--promised-by", metavar="DATE", help="a new date they promised an answer by")
    p.add_argument("--at", metavar="WHEN", help="when they answered (default: now)")
    p.set_defaults(func=cmd_answered)

    p = subparsers.add_parser(
        "round", help="a next interview round: new date, card back to interviewed"
    )
    p.add_argument("id")
    p.add_argument("--at", metavar="WHEN", required=True, help="when the next interview is")
    p.add_argument("--round", metavar="NAME", help="e.g. 'second', 'on-site'")
    p.add_argument("--duration", metavar="LENGTH", help="how long it lasts: 45 min, 3 h (1 h)")
    p.set_defaults(func=cmd_round)

    p = subparsers.add_parser("templates", help="list note templates and any broken files")
    p.add_argument("--install", action="store_true", help="copy missing defaults into the vault")
    p.add_argument("--placeholders", action="store_true", help="list what a template may use")
    p.add_argument("--names", action="store_true", help="only the names (for shell completion)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_templates)

    p = subparsers.add_parser("profile", help="your name and signature, used in notes")
    for key in PROFILE_KEYS:
        p.add_argument(
            f"--{key}", metavar="TEXT", help="\\n starts a new line" if key == "signature" else None
        )
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_profile)


# --- shared helpers -------------------------------------------------------------------------------


def load_templates(session: Session, warn: bool = True) -> TemplateSet:
    """The vault's templates; a broken file is one warning line naming its line and what is
    used instead: its last good version on this laptop (as the board does), else the built-in."""
    templates = TemplateSet.for_vault(session.vault.path)
    if warn:
        for problem in templates.problems():
            print(
                f"followup-tui: warning: {problem} ({templates.in_use(problem.path)})",
                file=sys.stderr,
            )
    return templates


def note_locale(config: Config) -> str | None:
    """The language a note's days are written in; a locale the app does not know is one
    warning line, and the note is written in English."""
    locale = config.language
    try:
        check_locale(locale)
    except LocaleProblem as exc:
        print(f"followup-tui: warning: {config.path}: {exc}", file=sys.stderr)
        return None
    return locale


def _now() -> datetime:
    return datetime.now(UTC)


# --- due --------------------------------------------------------------------------------------------


def due_items(
    session: Session, templates: TemplateSet, now: datetime, upcoming: bool
) -> list[DueItem]:
    """Everything `due` lists: notes, interviews ahead and close suggestions (`KINDS`)."""
    cards = session.board.all()
    return board_items(cards, templates.everything(), now, None, upcoming, kinds=KINDS)


def cmd_due(args: argparse.Namespace) -> int:
    session = open_session(args.vault)
    templates = load_templates(session, warn=not (args.json or args.count))
    now = _now()
    items = due_items(session, templates, now, args.all)
    if args.count:
        print(len(items))
        return 0
    if args.json:
        text = indented_json([i.to_json(now, None) for i in items])
        sys.stdout.write(text + "\n")  # one write, not one per fragment
        return 0
    if not items:
        print("Nothing due.", file=sys.stderr)
    width = when_width(items, now)
    sys.stdout.write("".join(f"{due_line(item, now, width)}\n" for item in items))  # one write
    return 0


def when_width(items: list[DueItem], now: datetime) -> int:
    """The "when" column's width: as wide as its longest entry ("no answer in 12 weeks"), so
    the ids below each other line up."""
    return max([18, *(len(item.relative(now, None)) for item in items)])


def due_line(item: DueItem, now: datetime, width: int = 18) -> str:
    """One line of `due` (and of `remind` without a desktop): when, card, what, why."""
    card = item.card
    why = item.describe()
    if item.kind == "close":
        why += f"; to close it: followup-tui move {card.id} closed --outcome no-answer"
    name = column(item.name, NAME_WIDTH)  # a template's name is a file name someone chose
    return f"{item.relative(now, None):<{width}} {card.id}  {name} {card_title(card)}   ({why})"


# --- compose ----------------------------------------------------------------------------------------


def pick_template(templates: TemplateSet, card: Card, name: str | None, now: datetime) -> Template:
    if name:
        return templates.get(name)
    suggested = templates.suggested(card, now, None)
    if suggested is None:
        raise FollowupError("There are no templates: run `followup-tui templates --install`.")
    return suggested


def _read_note(path: str, template: str) -> Note:
    try:
        raw = read_capped(Path(path).expanduser(), MAX_SMALL_FILE_BYTES, allow_pipe=True)
        text = raw.decode("utf-8")
    except OSError as exc:
        raise FollowupError(f"{path}: cannot read it ({exc.strerror or exc}).") from None
    except UnicodeDecodeError:
        raise FollowupError(f"{path}: not UTF-8 text.") from None
    return Note.from_text(template, text)


def cmd_compose(args: argparse.Namespace) -> int:
    if args.from_file and not args.sent:
        raise BadValue("--from-file records an edited note: use it with --sent.")
    if args.to is not None and not args.mailto:
        raise BadValue("--to says who a mailto: URL goes to: use it with --mailto.")
    if args.to is not None:
        from tui.handoff.mailto import addresses

        addresses(args.to)  # a typo is said before anything else
    session = open_session(args.vault)
    card = session.board.find(args.id, include_deleted=False)
    templates = load_templates(session)
    now = _now()
    template = pick_template(templates, card, args.template, now)
    config = Config.load()
    profile = config.profile
    if args.from_file:
        note = _read_note(args.from_file, template.name)
    else:
        note = template.render(card, profile, now, None, note_locale(config))
    if not args.template:
        print(f"followup-tui: using template {template.name!r}.", file=sys.stderr)
    if not profile.get("name") and not args.from_file:
        print(
            "followup-tui: tip: set your name for the signature: "
            'followup-tui profile --name "Your Name".',
            file=sys.stderr,
        )
    to = None
    if args.mailto:
        from tui.handoff.mailto import MAILTO_LIMIT, fits, mailto_url, recipient

        to = recipient(card) if args.to is None else args.to
        url = mailto_url(to, note.subject, note.body)
        if not to:
            print(
                "followup-tui: note: the card has no email address; the URL names nobody "
                "(--to ADDRESS gives one).",
                file=sys.stderr,
            )
        if not fits(url):
            print(
                f"followup-tui: warning: the URL is {len(url):,} characters long; mail clients "
                f"and desktops may cut one over {MAILTO_LIMIT:,}.",
                file=sys.stderr,
            )
        sys.stdout.write(url + "\n")
    else:
        sys.stdout.write(note.text)
    sys.stdout.flush()
    if args.sent:
        moved = session.change(lambda board: record_sent(board, card.id, template, note, to=to))
        change = f" ({card.stage} → {moved.stage})" if moved.stage != card.stage else ""
        print(f"Recorded {template.name!r} as sent on {card.id}{change}.", file=sys.stderr)
    return 0


# --- answered, round --------------------------------------------------------------------------------


def cmd_answered(args: argparse.Namespace) -> int:
    order = Config.load().date_reading
    promised = parse_day(args.promised_by, order=order) if args.promised_by else None
    when = parse_when(args.at, order=order) if args.at else None
    session = open_session(args.vault)
    card = session.board.find(args.id, include_deleted=False)
    moved = session.change(
        lambda board: record_answer(board, card.id, args.note, promised_by=promised, at=when)
    )
    change = f"; {card.stage} → {moved.stage}" if moved.stage != card.stage else ""
    print(f"Recorded an answer on {card.id}{change}.", file=sys.stderr)
    return 0


def cmd_round(args: argparse.Namespace) -> int:
    when = parse_when(args.at, order=Config.load().date_reading)
    length = parse_duration(args.duration) if args.duration else None
    session = open_session(args.vault)
    card = session.board.find(args.id, include_deleted=False)
    moved = session.change(
        lambda board: record_round(board, card.id, when, args.round, duration=length)
    )
    label = f"{args.round} round" if args.round else "next round"
    print(
        f"{card.id}: {label} on {when.astimezone():%Y-%m-%d %H:%M}; back to interviewed.",
        file=sys.stderr,
    )
    notice = interview_notice(moved, _now(), None)
    if notice:
        print(f"{card.company}: {notice}.", file=sys.stderr)
    return 0


# --- templates, profile -----------------------------------------------------------------------------


def cmd_templates(args: argparse.Namespace) -> int:
    if args.placeholders:
        if args.json:
            json.dump(PLACEHOLDERS, sys.stdout, indent=2)
            sys.stdout.write("\n")
        else:
            width = max(map(len, PLACEHOLDERS))
            for name, meaning in PLACEHOLDERS.items():
                print(f"{{{{ {name} }}}}".ljust(width + 6) + f"  {meaning}")
        return 0
    config = Config.load()
    folder = vault_path(args.vault, config)
    if args.install:
        links: list[Path] = []
        existed = {p.name for p in (folder / "templates").glob("*.y*ml")}
        written = install_defaults(folder, links, refresh=True)
        created = [p.stem for p in written if p.name not in existed]
        updated = [p.stem for p in written if p.name in existed]
        names = ", ".join(created) or "none (every default is already there)"
        print(f"Copied into {folder / 'templates'}: {names}.", file=sys.stderr)
        if updated:
            print(
                f"Brought up to date (unedited copies of an older default): {', '.join(updated)}.",
                file=sys.stderr,
            )
        for link in links:
            print(f"followup-tui: {link.name} is a link; left alone.", file=sys.stderr)
    templates = TemplateSet.for_vault(folder)
    if args.names:
        print("\n".join(templates.names()))
        return 0
    problems = templates.problems()
    if args.json:
        json.dump(
            {
                "templates": [t.to_json() for t in templates.everything()],
                "problems": [
                    {"file": str(p.path), "line": p.line, "message": p.message} for p in problems
                ],
            },
            sys.stdout,
            indent=2,
            ensure_ascii=False,
        )
        sys.stdout.write("\n")
    else:
        for template in templates.everything():
            source = "built-in" if template.builtin else "vault"
            due = template.due_text or "never due by itself"
            if template.kind == "close":
                due = f"suggests closing as no answer: {template.due_text or 'never'}"
            print(f"{template.name:<20} {'/'.join(template.stages):<32} {source:<8}  {due}")
        for problem in problems:
            print(f"followup-tui: {problem} ({templates.in_use(problem.path)})", file=sys.stderr)
        for path in sorted(templates.older_defaults):
            print(
                f"followup-tui: {path.parent.name}/{path.name} is an unedited older default; "
                "the built-in one is used (`followup-tui templates --install` updates the file).",
                file=sys.stderr,
            )
    return 1 if problems else 0


def cmd_profile(args: argparse.Namespace) -> int:
    config = Config.load()
    changes = {
        key: getattr(args, key).replace("\\n", "\n")
        for key in PROFILE_KEYS
        if getattr(args, key) is not None
    }
    if "email" in changes:  # the From: of every letter handed to a mail client
        changes["email"] = parse_email(changes["email"])
    if changes:
        profile = dict(config.profile)
        for key, value in changes.items():
            if value.strip():
                profile[key] = value
            else:
                profile.pop(key, None)
        config.profile = profile
        config.save()
    if args.json:
        json.dump(config.profile, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    elif not changes:
        if not config.profile:
            print('No profile yet: followup-tui profile --name "Your Name".', file=sys.stderr)
        for key, value in config.profile.items():
            print(f"{key}: {value}".replace("\n", "\n" + " " * (len(key) + 2)))
    return 0
