"""The To: line and the mailto: URL: who a letter goes to, and RFC 6068 encoding that a mail
client reads back exactly (umlauts, `&`, `#`, `%`, `+`, line breaks as %0D%0A)."""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from store.cards.board import Board
from store.cards.model import Interviewer
from store.errors import BadValue
from tui.handoff.mailto import MAILTO_LIMIT, addresses, fits, mailto_url, recipient


def read_back(url: str) -> tuple[list[str], dict[str, str]]:
    """What a mail client makes of a mailto: URL (RFC 6068 section 2)."""
    parts = urlsplit(url)
    assert parts.scheme == "mailto"
    to = [unquote(a) for a in parts.path.split(",") if a]
    fields = {}
    for pair in parts.query.split("&") if parts.query else []:
        name, _, value = pair.partition("=")
        fields[name] = unquote(value, encoding="utf-8", errors="strict")
    return to, fields


def test_a_letter_with_umlauts_ampersands_hashes_and_newlines_reads_back_exactly() -> None:
    body = "Liebe Frau Müller,\n\n100% sicher: Q&A #2 + Café?\nGrüße\n"
    url = mailto_url("Jürgen Groß <jg@straße.example>", "Danke & #1 — Größe", body)
    assert url.isascii() and " " not in url and "\n" not in url
    assert "%0D%0A%0D%0A100%25" in url  # a line break is CRLF, a percent is encoded
    assert "#" not in url and url.count("&") == 1  # only the separator between the fields
    to, fields = read_back(url)
    assert to == ["jg@straße.example"]  # the path holds the bare address
    assert fields == {"subject": "Danke & #1 — Größe", "body": body.replace("\n", "\r\n")}


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=200)


@given(subject=text, body=text)
def test_any_subject_and_body_read_back_exactly(subject: str, body: str) -> None:
    to, fields = read_back(mailto_url("ann@acme.io", subject, body))
    assert to == ["ann@acme.io"]
    want_subject = " ".join(subject.split())  # a subject is one line
    assert fields.get("subject", "") == want_subject
    want_body = body.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    assert fields.get("body", "") == (want_body if body.strip() else "")


def test_several_addresses_are_listed_bare_in_the_path() -> None:
    url = mailto_url('"Lee, Ann" <ann@acme.io>; bo+jobs@acme.io', "Hi", None)
    assert url == "mailto:ann@acme.io,bo+jobs@acme.io?subject=Hi"
    assert read_back(url)[0] == ["ann@acme.io", "bo+jobs@acme.io"]


def test_no_address_gives_a_url_without_a_recipient() -> None:
    assert mailto_url("", "Hi", "Text") == "mailto:?subject=Hi&body=Text"


@pytest.mark.parametrize("bad", ["ann at acme", "ann@", "<>", "a@b@c", "ann@acme.io, x"])
def test_a_to_line_that_is_not_an_address_is_one_clear_error(bad: str) -> None:
    with pytest.raises(BadValue, match="is not an e-mail address"):
        addresses(bad)


def test_the_limit_is_what_fits_in_one_url() -> None:
    assert fits("mailto:a@b.io?body=" + "x" * (MAILTO_LIMIT - 19))
    assert not fits("mailto:a@b.io?body=" + "x" * MAILTO_LIMIT)


def test_the_to_line_is_the_contact_email_else_the_first_interviewer_with_an_address() -> None:
    board = Board("aaaaaaaaaaaa")
    people = [Interviewer("Bo Chen", "Recruiter"), Interviewer("Ann Lee", "CTO", "ann@acme.io")]
    with_contact = board.add(
        {"company": "Acme", "contact_email": "jobs@acme.io", "interviewers": people}
    )
    without = board.add({"company": "Globex", "interviewers": people})
    nobody = board.add({"company": "Initech", "interviewers": [Interviewer("Bo Chen")]})
    assert recipient(board.card(with_contact)) == "jobs@acme.io"
    assert recipient(board.card(without)) == "Ann Lee <ann@acme.io>"
    assert recipient(board.card(nobody)) == ""
