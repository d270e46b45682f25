"""The Offers screen and the card view's posting and attachments, driven with Textual's Pilot,
and pinned as snapshots. `o` hands a private decrypted copy to a real `xdg-open` stand-in on
PATH (a script that records what it was given, then fails as a crashing viewer would)."""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from conftest import SIZE, predictable_ids
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from store.cards.documents import ATTACHED
from store.vault.attachments import store_blob
from store.vault.session import Session
from tui.app import FollowupApp
from tui.board.screen import BoardScreen
from tui.card.detail import CardDetailScreen
from tui.offers.screen import OffersScreen

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
POSTING = (
    "Senior Backend Developer (Kafka, Python)\n\n"
    "You will own our event pipeline: Kafka, Postgres and a lot of Python.\n"
    + "\n".join(f"- requirement {n}: years of something useful" for n in range(1, 40))
)
FILE = b"%PDF-1.7\nthe resume as sent\n"


pytestmark = pytest.mark.usefixtures("steady_world")


def offers_board(session: Session) -> dict[str, str]:
    predictable_ids(session)
    when = NOW - timedelta(days=12)

    def add(board) -> dict[str, str]:
        ids = {}
        for company, extra in (
            ("Acme", {"salary": "85000", "currency": "EUR", "answer_by": date(2026, 12, 10)}),
            (
                "Globex",
                {
                    "salary": "120000",
                    "currency": "USD",
                    "bonus": "10% target",
                    "equity": "0.1% / 4 years",
                    "offer_start": date(2027, 1, 15),
                    "answer_by": date(2026, 12, 3),
                },
            ),
            ("Initech", {"salary": "62000", "currency": "GBP"}),
            ("Hooli", {}),
        ):
            fields = {"company": company, "role": "Backend", "interviewed_at": when, **extra}
            ids[company] = board.add(fields, at=when)
        return ids

    return session.change(add)


def attach(session: Session, card_id: str, name: str, data: bytes) -> None:
    stored = store_blob(session.vault, session.device, data)
    session.change(
        lambda board: board.log(
            card_id,
            ATTACHED,
            at=NOW - timedelta(days=2),
            name=name,
            size=stored.size,
            sha256=stored.sha256,
            blob=stored.blob,
        )
    )


def detail_card(session: Session) -> str:
    card = offers_board(session)["Acme"]
    session.change(
        lambda board: board.edit(
            card,
            {
                "posting_url": "https://acme.example/jobs/42",
                "posting_text": POSTING,
                "resume": "v3-backend",
                "bonus": "5%",
            },
        )
    )
    attach(session, card, "resume-v3.pdf", FILE)
    attach(session, card, "cover-letter.txt", b"Dear Acme,\n")
    return card


async def wait_for(pilot: Pilot, condition, tries: int = 200) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("the condition never came true")


async def test_offers_are_sorted_by_deadline_and_enter_shows_the_card(laptop) -> None:
    session = laptop.session()
    ids = offers_board(session)
    app = FollowupApp(session=session, now=lambda: NOW, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        board = app.screen
        assert isinstance(board, BoardScreen)
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(app.screen, OffersScreen))
        offers = app.screen
        assert [r.card.company for r in offers.rows] == ["Globex", "Acme", "Initech"]
        assert offers.rows[0].days_text() == "2 days"
        table = offers.query_one("#offers-table", DataTable)
        table.move_cursor(row=1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is board)
        assert board.focused_card is not None and board.focused_card.id == ids["Acme"]


async def test_the_offers_follow_an_edit_made_elsewhere(laptop) -> None:
    session = laptop.session()
    ids = offers_board(session)
    app = FollowupApp(session=session, now=lambda: NOW, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(app.screen, OffersScreen))
        session.change(lambda b: b.edit(ids["Hooli"], {"salary": "1", "currency": "CHF"}))
        await wait_for(pilot, lambda: len(app.screen.rows) == 4)


def long_offer(session: Session) -> str:
    """Globex's offer with a long role, bonus and equity: wider than 80 columns in full."""
    ids = offers_board(session)
    session.change(
        lambda board: board.edit(
            ids["Globex"],
            {
                "role": "Senior platform engineer, payments and ledgers",
                "bonus": "10% target, paid quarterly on results",
                "equity": "0.1% over 4 years, 1 year cliff",
            },
        )
    )
    return ids["Globex"]


def fits_without_scrolling(table: DataTable) -> bool:
    return table.virtual_size.width <= table.scrollable_content_region.width


async def test_the_offers_fit_80_columns_and_say_what_a_wider_window_shows(laptop) -> None:
    session = laptop.session()
    long_offer(session)
    app = FollowupApp(session=session, now=lambda: NOW, cursor_blink=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("O")
        await wait_for(pilot, lambda: isinstance(app.screen, OffersScreen))
        offers = app.screen
        table = offers.query_one("#offers-table", DataTable)
        await pilot.pause()
        names = [str(column.label) for column in table.ordered_columns]
        assert names == ["Company", "Base", "Answer by", "Left", "Status"]
        assert fits_without_scrolling(table)
        first = [str(cell) for cell in table.get_row_at(0)]
        assert first[0].startswith("Globex — Senior") and first[0].endswith("…")
        assert first[1:4] == ["120,000 USD", "2026-12-03", "2 days"]
        note = str(offers.query_one("#offers-note", Static).render())
        assert note == "No currency is converted · a wider window shows bonus, equity, start"

        await pilot.resize_terminal(160, 40)  # wider: every column comes back
        await wait_for(pilot, lambda: len(table.ordered_columns) == 8)
        assert fits_without_scrolling(table)
        bonus = [str(cell) for cell in table.get_row_at(0)][2]
        assert bonus == "10% target, pai…"  # cut to MAX_TERMS cells
        assert "no currency is converted" in str(offers.query_one("#offers-note", Static).render())


def fake_viewer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An `xdg-open` that copies what it was given, records its mode, then crashes."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "viewer-saw"
    script = bin_dir / "xdg-open"
    script.write_text(
        "#!/bin/sh\n"
        f'stat -c "%a %n" "$1" "$(dirname "$1")" > "{record}.tmp"\n'
        f'cat "$1" > "{record}.bytes"\n'
        f'mv "{record}.tmp" "{record}"\n'
        "exit 3\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "runtime"))
    (tmp_path / "runtime").mkdir(mode=0o700)
    return record


async def test_o_opens_a_private_copy_that_is_gone_when_the_app_quits_though_the_viewer_crashed(
    laptop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_viewer(tmp_path, monkeypatch)
    session = laptop.session()
    card = detail_card(session)
    app = FollowupApp(session=session, now=lambda: NOW, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.focus_card(card)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CardDetailScreen))
        await pilot.press("o")
        await wait_for(pilot, lambda: record.exists())
        modes = dict(reversed(line.split(" ", 1)) for line in record.read_text().splitlines())
        copy = next(p for p in modes if p.endswith("resume-v3.pdf"))
        assert modes[copy] == "600" and modes[str(Path(copy).parent)] == "700"
        assert Path(copy).is_relative_to(tmp_path / "runtime")
        assert not Path(copy).is_relative_to(laptop.vault)
        assert (tmp_path / "viewer-saw.bytes").read_bytes() == FILE
        assert Path(copy).exists()  # the viewer may still be reading it: kept while we run
    assert not Path(copy).exists() and not Path(copy).parent.exists()


async def test_an_attachment_not_synced_yet_says_so_and_opens_nothing(
    laptop, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = fake_viewer(tmp_path, monkeypatch)
    session = laptop.session()
    card = detail_card(session)
    for blob in (laptop.vault / "attachments").iterdir():
        blob.rename(tmp_path / blob.name)  # as if the sync tool had not brought them yet
    app = FollowupApp(session=session, now=lambda: NOW, cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        app.screen.focus_card(card)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CardDetailScreen))
        text = str(app.screen.query_one("#detail-attachments").get_option_at_index(0).prompt)
        assert "not synced yet" in text
        await pilot.press("o")
        await wait_for(
            pilot, lambda: any("not synced yet" in n.message for n in app._notifications)
        )
        assert not record.exists()
        assert list((tmp_path / "runtime").iterdir()) == []


def test_offers_snapshot(snap_compare, laptop) -> None:
    session = laptop.session()
    offers_board(session)
    app = FollowupApp(session=session, now=lambda: NOW, cursor_blink=False)
    assert snap_compare(app, press=["O"], terminal_size=SIZE)


def test_offers_at_80_columns_snapshot(snap_compare, laptop) -> None:
    session = laptop.session()
    long_offer(session)
    app = FollowupApp(session=session, now=lambda: NOW, cursor_blink=False)
    assert snap_compare(app, press=["O"], terminal_size=(80, 24))


def test_card_detail_with_a_posting_and_attachments_snapshot(snap_compare, laptop) -> None:
    session = laptop.session()
    card = detail_card(session)
    app = FollowupApp(session=session, now=lambda: NOW, cursor_blink=False)

    async def open_card(pilot: Pilot) -> None:
        app.screen.focus_card(card)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, CardDetailScreen))
        app.screen.query_one("#detail-attachments").focus()
        await pilot.pause()

    assert snap_compare(app, run_before=open_card, terminal_size=SIZE)


def test_a_private_copy_folder_is_closed_to_others(tmp_path: Path) -> None:
    from tui.card.opener import PrivateCopies

    copies = PrivateCopies(root=tmp_path)
    path = copies.write("cv.pdf", b"x")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    copies.remove_all()
    assert not path.parent.exists()


def test_copies_left_by_a_killed_app_are_swept_the_next_time(tmp_path: Path) -> None:
    from tui.card.opener import PREFIX, sweep_leftovers

    dead_pid = 2**22 + 12345  # above the largest pid Linux hands out: no such process runs
    left = tmp_path / f"{PREFIX}{dead_pid}-abcd"
    left.mkdir(mode=0o700)
    (left / "cv.pdf").write_bytes(b"plaintext")
    ours = tmp_path / f"{PREFIX}{os.getpid()}-efgh"
    ours.mkdir(mode=0o700)
    assert sweep_leftovers(tmp_path) == [left]
    assert not left.exists() and ours.exists()
