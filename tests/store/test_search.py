"""Search over everything a card holds (store/cards/search.py) and the folding it compares with
(store/cards/words.py): real boards, real merges between two boards, no mocks."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from store.cards.board import Board
from store.cards.model import Interviewer
from store.cards.search import Query, SearchIndex, found_in, spans
from store.cards.words import company_key, fold

AT = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("societe generale", "Société Générale"),
        ("STRASSE", "Straße"),
        ("orsted", "Ørsted"),
        ("lodz", "Łódź"),
        ("istanbul", "İstanbul"),
        ("fine", "ﬁne"),
        ("москва", "МОСКВА"),
    ],
)
def test_folding_ignores_case_and_accents(typed: str, written: str) -> None:
    assert fold(typed) == fold(written)


def test_folding_keeps_other_scripts_and_makes_every_run_of_spaces_one() -> None:
    folded = fold("東京  事務所\n\tです")
    assert folded.count(" ") == 2 and fold("です") in folded and fold("てす") not in folded
    assert fold("नमस्ते") == "नमस्ते"  # its marks are letters there: nothing dropped


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ACME, Inc.", "acme"),
        ("Acme Inc", "Acme"),
        ("Wayne Enterprises GmbH & Co. KG", "wayne enterprises"),
        ("The Acme Company", "Acme"),
        ("Société Générale S.A.", "Societe Generale"),
    ],
)
def test_a_company_is_the_same_however_its_legal_form_and_case_are_written(
    one: str, other: str
) -> None:
    assert company_key(one) == company_key(other)


def test_different_companies_keep_different_names() -> None:
    assert company_key("Acme Labs") != company_key("Acme")
    assert company_key("AG") == "ag"  # a name that is only a legal form keeps it
    assert company_key("") == ""


def full_card(board: Board) -> str:
    card_id = board.add(
        {
            "company": "Umbrella Corp",
            "role": "Security engineer",
            "round": "on-site",
            "interviewers": [Interviewer("Eve Adams", "CISO", "eve@umbrella.com")],
            "contact_email": "talent@umbrella.com",
            "tags": ["biotech"],
            "key_points": ["Zero-trust rollout"],
            "questions": ["How would you rotate keys?"],
            "notes": "Mentioned the café on the ground floor",
            "learned": "Prepare threat models",
            "posting_url": "https://umbrella.example/jobs/7",
            "posting_text": "We run Kafka and Rust in the lab.",
            "resume": "v3-security",
            "bonus": "10% target",
        },
        at=AT,
    )
    board.log(
        card_id, "note_sent", template="thank-you", subject="Thanks, Eve", text="Loved the tour"
    )
    board.log(card_id, "answered", text="We will decide by Friday")
    return card_id


@pytest.mark.parametrize(
    ("query", "place"),
    [
        ("umbrella corp", "company"),
        ("security engineer", "role"),
        ("on-site", "round"),
        ("eve adams", "interviewers"),
        ("CISO", "interviewers"),
        ("talent@", "contact_email"),
        ("BIOTECH", "tags"),
        ("zero-trust", "key_points"),
        ("rotate keys", "questions"),
        ("CAFE", "notes"),
        ("threat models", "learned"),
        ("umbrella.example/jobs", "posting_url"),
        ("kafka", "posting_text"),
        ("v3-security", "resume"),
        ("10% target", "bonus"),
        ("loved the tour", "note_sent"),
        ("thanks, eve", "note_sent"),
        ("friday", "answered"),
    ],
)
def test_every_text_a_card_holds_is_found_and_said_where(query: str, place: str) -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = full_card(board)
    board.add({"company": "Globex"})
    parsed = Query.parse(query)
    assert SearchIndex(board).search(parsed) == [card_id]
    assert place in [f.place for f in found_in(board.cards[card_id], parsed)]


def test_a_card_matches_only_when_it_holds_every_word_and_a_quoted_phrase_stays_whole() -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = full_card(board)
    index = SearchIndex(board)
    assert index.search(Query.parse("kafka rust")) == [card_id]
    assert index.search(Query.parse("kafka cobol")) == []
    assert index.search(Query.parse('"kafka and rust"')) == [card_id]
    assert index.search(Query.parse('"rust and kafka"')) == []
    assert index.search(Query.parse("")) == list(board.ids())  # nothing typed: every card


def test_a_quote_not_yet_closed_reads_as_a_phrase_to_the_end_not_as_a_word_with_a_quote() -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = full_card(board)
    index = SearchIndex(board)
    # typed a letter at a time on the board: the card stays while the phrase is being typed
    assert index.search(Query.parse('"kafka and ru')) == [card_id]
    assert index.search(Query.parse('kafka "')) == [card_id]  # a stray quote at the end
    assert index.search(Query.parse('"rust and ka')) == []


def test_a_word_never_matches_across_two_texts() -> None:
    board = Board("aaaaaaaaaaaa")
    board.add({"company": "Acme", "role": "Lead"})  # "acme lead" is two texts, not one
    assert SearchIndex(board).search(Query.parse('"acme lead"')) == []


def test_the_version_a_concurrent_edit_left_in_conflict_is_found_too() -> None:
    a, b = Board("aaaaaaaaaaaa"), Board("bbbbbbbbbbbb")
    card_id = a.add({"company": "Acme"})
    b.merge(a.tables())
    a.edit(card_id, {"notes": "talked about kafka"})
    b.edit(card_id, {"notes": "talked about flink"})
    a.merge(b.tables())
    assert a.card(card_id).conflicts  # both versions kept
    index = SearchIndex(a)
    assert index.search(Query.parse("kafka")) == [card_id]
    assert index.search(Query.parse("flink")) == [card_id]


def test_the_index_follows_edits_merges_and_new_timeline_events() -> None:
    a, b = Board("aaaaaaaaaaaa"), Board("bbbbbbbbbbbb")
    card_id = a.add({"company": "Acme"})
    index = SearchIndex(a)
    assert index.search(Query.parse("kafka")) == []
    a.edit(card_id, {"notes": "kafka"})
    assert index.search(Query.parse("kafka")) == [card_id]
    a.log(card_id, "answered", text="An offer is coming")  # no field changes, an event does
    assert index.search(Query.parse("offer is coming")) == [card_id]
    b.merge(a.tables())
    b.log(card_id, "note_sent", subject="Thank you", text="about the flink job")
    a.merge(b.tables())
    assert index.search(Query.parse("flink")) == [card_id]


def test_a_card_read_again_from_an_unchanged_replica_is_not_folded_again() -> None:
    a, b = Board("aaaaaaaaaaaa"), Board("bbbbbbbbbbbb")
    card_id = a.add({"company": "Acme", "notes": "kafka"})
    index = SearchIndex(a)
    first = index.text(card_id)
    b.merge(a.tables())
    a.cards[card_id] = {"f": dict(a.cards[card_id]["f"]), "t": dict(a.cards[card_id]["t"])}
    assert index.text(card_id) is first  # a new state object, the same stamps: kept


def test_a_stored_value_of_the_wrong_shape_is_searched_as_text_and_never_breaks_the_index() -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = board.add({"company": "Acme"})
    fields = board.cards[card_id]["f"]
    fields["tags"] = [[[42, None, {"x": "nested"}], "zz-stamp"]]
    fields["notes"] = [[{"not": "text"}, "zz-stamp"]]
    board.cards[card_id]["t"]["bad"] = "not an event"
    assert SearchIndex(board).search(Query.parse("42")) == [card_id]
    found_in(board.cards[card_id], Query.parse("acme"))  # no exception


def test_spans_mark_the_text_as_written_whatever_the_folding_changed() -> None:
    text = "Café Straße, CAFE\tand  ﬁne"
    assert [text[s:e] for s, e in spans(text, Query.parse("cafe strasse fine"))] == [
        "Café",
        "Straße",
        "CAFE",
        "ﬁne",
    ]
    assert spans("nothing here", Query.parse("kafka")) == []


def test_found_in_gives_one_line_around_the_match() -> None:
    board = Board("aaaaaaaaaaaa")
    posting = "Intro line\n" + "word " * 200 + "Kafka streams\n" + "more " * 200
    card_id = board.add({"company": "Acme", "posting_text": posting})
    (found,) = found_in(board.cards[card_id], Query.parse("kafka"))
    assert found.place == "posting_text" and found.words == "posting"
    assert "Kafka streams" in found.excerpt and "\n" not in found.excerpt
    assert found.excerpt.startswith("…") and found.excerpt.endswith("…")
    assert len(found.excerpt) <= 80


def test_control_characters_typed_in_a_query_are_not_searched_for() -> None:
    board = Board("aaaaaaaaaaaa")
    card_id = board.add({"company": "Acme"})
    query = Query.parse("ac\x1b[2Jme\x00")
    assert "\x1b" not in query.text and "\x00" not in "".join(query.terms)
    assert SearchIndex(board).search(Query.parse("acme\x00")) == [card_id]


def test_warming_folds_every_card_a_slice_at_a_time_and_searches_reuse_it() -> None:
    board = Board("aaaaaaaaaaaa")
    ids = [board.add({"company": f"Acme {n}"}) for n in range(7)]
    index = SearchIndex(board)
    assert index.warm(limit=3) is False and index.warm(limit=3) is False
    assert index.warm(limit=3) is True
    kept = {card_id: index.text(card_id) for card_id in ids}
    assert index.search(Query.parse("acme 6")) == [ids[6]]
    assert all(index.text(card_id) is kept[card_id] for card_id in ids)  # nothing folded again
