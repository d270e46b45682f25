"""Stats judge each follow-up against the card as it stood when the note went out, and an
undone move or note counts for nothing (issue 11, item 1): `followup-tui stats --json`, the
funnel, and the timeline `show` prints (what an undo took back is left out of it)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from conftest import Laptop

from store.notes.flow import record_answer, record_round, record_sent
from store.notes.templates import TemplateSet
from tui.history import History

NOW = datetime.now(UTC)


def days_ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def stats_json(laptop: Laptop, *args: str) -> dict:
    result = laptop.cli("stats", "--json", *args)
    assert result.code == 0, result.err
    return json.loads(result.out)


def test_two_late_follow_ups_stay_late_when_the_promised_date_moves_on_later(
    laptop: Laptop,
) -> None:
    session = laptop.session()
    templates = TemplateSet.for_vault(laptop.vault)
    follow_up, second = templates.get("follow-up"), templates.get("follow-up-2")
    promised = days_ago(30).date()

    def story(board) -> str:
        card_id = board.add(
            {"company": "Hooli", "role": "SRE", "interviewed_at": days_ago(40)}, at=days_ago(40)
        )
        board.edit(card_id, {"promised_by": promised})
        board.move(card_id, "waiting", at=days_ago(39))
        # Due the day after the promised date (29 days ago): sent 20 days ago, late.
        note = follow_up.render(board.card(card_id), {}, days_ago(20), None)
        record_sent(board, card_id, follow_up, note, at=days_ago(20))
        # Due a week after that (13 days ago): sent 5 days ago, late.
        note = second.render(board.card(card_id), {}, days_ago(5), None)
        record_sent(board, card_id, second, note, at=days_ago(5))
        return card_id

    card_id = session.change(story)
    # Later they promise a new date, far off: today's promise must not excuse the old notes.
    assert laptop.cli("edit", card_id, "--promised-by", "in 60 days").code == 0
    result = stats_json(laptop)
    assert result["follow_up_on_time"] == {"count": 0, "total": 2, "ratio": 0.0}
    since = stats_json(laptop, "--since", (NOW - timedelta(days=45)).date().isoformat())
    assert since["follow_up_on_time"] == {"count": 0, "total": 2, "ratio": 0.0}


def test_a_note_sent_before_this_version_is_judged_on_the_dates_later_changes_replaced(
    laptop: Laptop,
) -> None:
    """A note recorded without the dates it was judged on (an older app) reads them back from
    the round and the answer that changed them afterwards."""
    session = laptop.session()
    promised = days_ago(30).date()

    def story(board) -> str:
        card_id = board.add(
            {"company": "Initech", "interviewed_at": days_ago(40), "promised_by": promised},
            at=days_ago(40),
        )
        board.move(card_id, "waiting", at=days_ago(39))
        # As an older app wrote it: no record of the dates in force.
        board.log(card_id, "note_sent", at=days_ago(20), template="follow-up", text="Hi")
        later = NOW.date() + timedelta(days=9)
        record_answer(board, card_id, "soon", promised_by=later, at=days_ago(10))
        record_round(board, card_id, NOW + timedelta(days=2), "second", at=days_ago(5))
        return card_id

    session.change(story)
    assert stats_json(laptop)["follow_up_on_time"] == {"count": 0, "total": 1, "ratio": 0.0}


def test_a_note_keeps_the_dates_it_was_sent_against(laptop: Laptop) -> None:
    card_id = laptop.cli(
        "add", "--company", "Acme", "--interviewed-at", "10 days ago", "--promised-by", "3 days ago"
    ).out.strip()
    assert laptop.cli("compose", card_id, "follow-up", "--sent").code == 0
    shown = json.loads(laptop.cli("show", card_id, "--json").out)
    sent = next(e for e in shown["timeline"] if e["kind"] == "note_sent")
    assert sent["as_of"]["promised_by"] == (NOW.astimezone().date() - timedelta(days=3)).isoformat()
    assert sent["as_of"]["interviewed_at"].endswith("Z")
    assert "as_of" not in laptop.cli("show", card_id).out  # the text view stays readable


def test_an_undone_move_and_note_are_not_in_the_funnel_nor_a_follow_up(laptop: Laptop) -> None:
    """The board's `u` (the history every screen writes through), then the CLI's figures."""
    session = laptop.session()
    history = History(session)
    follow_up = TemplateSet.for_vault(laptop.vault).get("follow-up")
    card_id = session.change(
        lambda board: board.add(
            {"company": "Globex", "interviewed_at": days_ago(3)}, at=days_ago(3)
        )
    )
    history.change(lambda board: board.move(card_id, "waiting"))

    def send(board) -> None:
        note = follow_up.render(board.card(card_id), {}, NOW, None)
        record_sent(board, card_id, follow_up, note)  # moves it on to followed-up

    history.change(send)
    assert stats_json(laptop)["follow_up_on_time"]["total"] == 1  # counted, before the undo
    assert history.undo() is not None  # the note marked sent, and its move
    assert history.undo() is not None  # the move to waiting
    assert session.board.card(card_id).stage == "interviewed"
    result = stats_json(laptop)
    assert result["funnel"]["followed-up"] == 0 and result["funnel"]["waiting"] == 0
    assert result["follow_up_on_time"]["total"] == 0
    shown = laptop.cli("show", card_id).out
    assert "note_sent" not in shown and "moved" not in shown, shown  # nor the undos: dropped
    backup = json.loads(laptop.cli("export", "--format", "json").out)
    [state] = [c["state"] for c in backup["cards"] if c["id"] == card_id]
    kinds = sorted(e["kind"] for e in state["t"].values())
    assert kinds.count("undone") == 3 and "note_sent" in kinds  # the record keeps it all


def test_an_undo_taken_back_again_counts_the_move_once_more(laptop: Laptop) -> None:
    session = laptop.session()
    history = History(session)
    card_id = session.change(
        lambda board: board.add({"company": "Stark", "interviewed_at": days_ago(3)}, at=days_ago(3))
    )
    history.change(lambda board: board.move(card_id, "thanked"))
    history.undo()
    assert stats_json(laptop)["funnel"]["thanked"] == 0
    history.redo()
    assert stats_json(laptop)["funnel"]["thanked"] == 1


def test_a_circle_of_undos_from_a_hostile_backup_undoes_nothing_in_the_stats() -> None:
    from store.cards.model import Event
    from store.cards.timeline import in_effect

    at = datetime(2026, 1, 1, tzinfo=UTC)
    one = Event("1", "undone", at, "d", {"undoes": "2"})
    two = Event("2", "undone", at, "d", {"undoes": "1"})
    plain = Event("3", "moved", at, "d", {"from": "interviewed", "to": "thanked"})
    assert in_effect([plain, one, two]) == [plain]  # no hang; the move still counts
