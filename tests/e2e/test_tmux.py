"""The installed `followup-tui` in a real terminal: tmux at a fixed size, real keys, real vault.

What a user does on day one, end to end through the console script pip installed: make a vault
and a card with the CLI, open the board, move the card with the keyboard, quit, and find the
move in the vault with `followup-tui show --json`. Nothing here imports the app.
"""

from __future__ import annotations

import re

import pytest
from terminal import Terminal, User

pytestmark = pytest.mark.tmux

COLUMNS, LINES = 120, 36


def test_a_card_moved_with_keys_in_a_real_terminal_is_in_the_vault_after_quitting(
    terminal: Terminal, user: User
) -> None:
    card_id = user.cli(
        "add", "--company", "Acme Robotics", "--role", "Backend developer",
        "--interviewed-at", "yesterday 14:00",
    ).strip()  # fmt: skip
    assert user.card(card_id)["stage"] == "interviewed"
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TERM", "COLORTERM")
    launch_env = {k: v for k, v in user.env.items() if k.startswith("FOLLOWUP_") or k in keep}

    terminal.start([user.script, "--vault", str(user.vault)], launch_env)
    board = terminal.wait_for(
        "the board with the card", lambda s: "Acme Robotics" in s and "Interviewed" in s
    )
    assert "Closed" in board

    # The board opens with the focus on the first card; shift+→ then `>` move it two stages.
    terminal.keys("S-Right")
    terminal.wait_for("the card in Thanked", lambda s: re.search(r"Thanked\s+1\b", s) is not None)
    terminal.keys(">")
    terminal.wait_for("the card in Waiting", lambda s: re.search(r"Waiting\s+1\b", s) is not None)
    terminal.keys("q")
    assert terminal.exit_status() == 0

    card = user.card(card_id)
    assert card["stage"] == "waiting"
    moves = [(e["from"], e["to"]) for e in card["timeline"] if e["kind"] == "moved"]
    assert sorted(moves) == [("interviewed", "thanked"), ("thanked", "waiting")]
