"""`followup-tui import invite.ics` (or `-` for stdin: a mail client pipes the attachment in).

A dry run unless `--apply`, as a CSV import is: it reads the invitation, says which card it
makes or changes (the next round of a company that has one) and writes nothing. With
`--apply` the plan is made again under the vault's lock and carried out in one change. A
cancellation (METHOD:CANCEL) says which card it concerns and changes nothing without `--apply`.
What the invitation becomes is `store/transfer/invite_plan.py`'s to say; this module reads the
options and prints. `tui/cli/transfer.py` sends an import here when the file is an invitation.
"""

from __future__ import annotations

import argparse
import sys

from store.cards.board import Board
from store.config import Config
from store.errors import BadValue
from store.transfer.invitation import read_invitations
from store.transfer.invite_plan import InvitePlan, apply, describe, plan_invitation
from tui.cli.context import open_session

INVITATION_OPTIONS = ("company", "role", "round", "card")
MAX_INVITATION_BYTES = 16 * 1024 * 1024  # an invitation with a few attachments inside


def add_invitation_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("an invitation (.ics)")
    group.add_argument("--company", metavar="NAME", help="the employer (when the file says none)")
    group.add_argument("--role", metavar="TEXT", help="the role, for a new card")
    group.add_argument("--round", metavar="NAME", help="the round's name, e.g. 'second'")
    group.add_argument("--card", metavar="ID", help="make it this card's next round")


def check_not_for_csv(args: argparse.Namespace) -> None:
    for name in INVITATION_OPTIONS:
        if getattr(args, name, None) is not None:
            raise BadValue(f"--{name} is for an invitation (.ics), not a CSV or JSON file.")


def _plans(board: Board, args: argparse.Namespace, data: bytes, name: str) -> list[InvitePlan]:
    invitations = read_invitations(data, name)
    if args.card and len(invitations) > 1:
        raise BadValue(f"{name} holds {len(invitations)} events; --card names one card.")
    me = Config.load().profile.get("email", "")
    return [
        plan_invitation(
            board,
            invitation,
            me=me,
            company=args.company or "",
            role=args.role or "",
            round_name=(args.round or "").strip() or None,
            card_id=args.card,
        )
        for invitation in invitations
    ]


def import_invitation(args: argparse.Namespace, data: bytes, name: str, dry_run_session) -> int:
    """Show (or, with `--apply`, make) what the invitation changes. `dry_run_session` opens
    the vault without writing anything (transfer.py's, shared with the CSV import)."""
    if len(data) > MAX_INVITATION_BYTES:
        raise BadValue(f"{name}: over 16 MB, too big for an invitation.")
    read_invitations(data, name)  # a file that is no invitation: one line, before the vault
    if not Config.load().profile.get("email"):
        print(
            "followup-tui: tip: your own address is not in your profile, so you are listed "
            "among the interviewers: followup-tui profile --email you@example.org.",
            file=sys.stderr,
        )
    if not args.apply:
        session = dry_run_session(args.vault)
        plans = _plans(session.board, args, data, name)
        for plan in plans:
            print("\n".join(describe(plan, applied=False)))
        if any(plan.changes for plan in plans):
            print("Dry run: nothing was written. Run again with --apply to import it.")
        return 0
    session = open_session(args.vault)

    def run(board: Board) -> list[InvitePlan]:
        # Planned again under the lock, against the board as it is now: applied once.
        found = _plans(board, args, data, name)
        for plan in found:
            apply(board, plan)
        return found

    for plan in session.change(run):
        print("\n".join(describe(plan, applied=True)))
    return 0
