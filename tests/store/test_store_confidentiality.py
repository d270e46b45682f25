"""Confidentiality: what a user types never reaches the synced folder in clear.

A canary goes into every text field a card has (and a timeline note, a device name, a version
kept as a conflict); then every byte of every file under the vault folder (vault.json, the
replicas, anything else there) is searched for it, raw and in the encodings a careless write
could use. The passphrase must not be there either.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from conftest import PASSPHRASE

from store.config import Config
from store.vault.crypto import Vault
from store.vault.session import Session

CANARY = "Zq7canary"
UNICODE_CANARY = "Ünïcödé-ß-kanarie"


def forms(secret: str) -> list[bytes]:
    """The ways a string can sit in a file: UTF-8, UTF-16, JSON-escaped, base64 at any offset."""
    raw = secret.encode("utf-8")
    found = [raw, secret.encode("utf-16-le"), json.dumps(secret).strip('"').encode("ascii")]
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + raw)[4 if shift else 0 :]
        found.append(encoded[:-4])  # the stable middle, whatever surrounds it
    return [f for f in found if len(f) >= 6]


def every_file(folder: Path) -> list[Path]:
    return [Path(root) / name for root, _, names in os.walk(folder) for name in names]


def assert_absent(folder: Path, secret: str) -> None:
    files = every_file(folder)
    assert files
    for path in files:
        assert secret not in str(path.relative_to(folder))
        data = path.read_bytes()
        for form in forms(secret):
            assert form not in data, f"{secret!r} is readable in {path} as {form!r}"


def test_no_card_text_and_no_passphrase_reach_the_vault_folder(make_laptop) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    c = CANARY
    added = a.cli(
        "add",
        "--company", f"{c} company",
        "--role", f"{c} role",
        "--round", f"{c} round",
        "--interviewed-at", "yesterday 14:00",
        "--interviewer", f"{c} Name, {c} Title <{c.lower()}@example.com>",
        "--key-point", f"{c} key point",
        "--question", f"{c} question",
        "--promised-by", "2026-12-01",
        "--link", f"https://example.com/{c}",
        "--contact-email", f"hr-{c.lower()}@example.com",
        "--notes", f"{c} notes",
        "--tag", f"{c}-tag",
        "--learned", f"{c} learned {UNICODE_CANARY}",
    )  # fmt: skip
    assert added.code == 0, added.err
    card_id = added.out.strip()
    with a.active():
        config = Config.load()
        config.device_name = f"{c} device"
        config.save()
        session = Session.open(Vault.unlock(a.vault, PASSPHRASE), config)
    session.change(lambda board: board.log(card_id, "note-sent", text=f"Dear {c}, thank you"))
    session.change(lambda board: board.move(card_id, "closed", outcome="rejected"))
    # A version kept as a conflict is card text too: b edits without having seen a's edit.
    other = b.session()
    session.change(lambda board: board.edit(card_id, {"notes": f"{c} from a"}))
    other.change(lambda board: board.edit(card_id, {"notes": f"{c} from b"}))
    shown = json.loads(a.cli("show", card_id, "--json").out)
    assert shown["conflicts"]["notes"]
    assert c in json.dumps(shown) and UNICODE_CANARY in shown["learned"]  # it is in the card…

    assert_absent(a.vault, CANARY)  # …and nowhere under the vault folder
    assert_absent(a.vault, UNICODE_CANARY)
    assert_absent(a.vault, PASSPHRASE)


def test_the_canary_search_finds_text_written_in_clear(tmp_path: Path) -> None:
    """The search itself works: it finds each form a careless write could leave."""
    for text in (
        f"x {CANARY} y",
        json.dumps({"notes": UNICODE_CANARY}),
        base64.b64encode(f"ab{CANARY}cd".encode()).decode(),
    ):
        (tmp_path / "leak.json").write_text(text)
        secret = UNICODE_CANARY if "notes" in text else CANARY
        try:
            assert_absent(tmp_path, secret)
        except AssertionError:
            continue
        raise AssertionError(f"the search missed {text!r}")
