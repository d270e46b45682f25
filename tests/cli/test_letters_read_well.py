"""Every default letter reads as good prose whatever fields the card leaves empty, key points are
one per line however they were typed, and no default letter carries the card's private notes
(issue 11, items 4 and 5). CLI tests on real vaults, plus the rule checked over every default
and every combination of empty fields."""

from __future__ import annotations

import dataclasses
import itertools
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import Laptop

from store.cards.model import Interviewer
from store.notes.placeholders import sample_card
from store.notes.templates import DEFAULTS_DIR, TemplateSet, default_files, is_older_default

FIXTURES = Path(__file__).parent.parent / "fixtures" / "older_defaults"
NOW = datetime(2026, 3, 12, 12, 0, tzinfo=UTC)
SECRET = "PRIVATE: they lowballed me, walk away below 90k"
EMPTIABLE = ("role", "interviewers", "interviewed_at", "key_points", "promised_by")
EMPTY = {
    "role": "",
    "interviewers": (),
    "interviewed_at": None,
    "key_points": (),
    "promised_by": None,
}
# The default letters (a close rule, like close-no-answer, writes nothing to read).
LETTERS = [t.name for t in TemplateSet(None).all()]


def prose_problems(text: str) -> list[str]:
    """What reads wrong in a letter: a gap where a value was, punctuation left dangling."""
    checks = {
        "a double space": r"[^\s]  +[^\s]",
        "a space before punctuation": r"\s[.,;:!?](\s|$)",
        "a dash with nothing after it": r"—\s*$|—\s*\n",
        "a dash with nothing before it": r"^\s*—|\n\s*—",
        "an empty role": r"\bthe\s+role\b.*\bthe\s+role\b|\bas\s*\.",
        "a dangling 'at'": r"\bat\s*$|[—:]\s+at\b",
        "an empty pair of brackets": r"\(\s*\)",
    }
    return [name for name, pattern in checks.items() if re.search(pattern, text, re.MULTILINE)]


def test_every_default_file_but_the_close_rules_is_a_letter_checked_here() -> None:
    rules = {t.name for t in TemplateSet(None).close_rules()}
    assert sorted(LETTERS) == sorted(p.stem for p in default_files() if p.stem not in rules)
    assert "thank-you" in LETTERS and "close-no-answer" in rules


@pytest.mark.parametrize("template", LETTERS)
def test_every_default_reads_well_whatever_fields_are_empty(template: str) -> None:
    loaded = TemplateSet(None).get(template)
    full = dataclasses.replace(sample_card(), notes=SECRET, stage="closed")
    for count in range(len(EMPTIABLE) + 1):
        for empty in itertools.combinations(EMPTIABLE, count):
            card = dataclasses.replace(full, **{name: EMPTY[name] for name in empty})
            note = loaded.render(card, {}, NOW, UTC)
            problems = prose_problems(f"{note.subject}\n{note.body}")
            assert not problems, (template, empty, problems, note.text)
            assert SECRET not in note.text


@pytest.mark.parametrize("template", LETTERS)
def test_a_company_written_with_a_full_stop_ends_a_sentence_with_one(template: str) -> None:
    for company in ("Initech, Inc.", "Wayne Enterprises Co.", "Acme"):
        card = dataclasses.replace(sample_card(), company=company, stage="closed")
        note = TemplateSet(None).get(template).render(card, {}, NOW, UTC)
        text = f"{note.subject}\n{note.body}"
        assert not re.search(r"(?<!\.)\.\.(?!\.)", text), (company, text)
        assert company.rstrip(".") in text, text


def test_no_default_reads_the_private_notes() -> None:
    for path in DEFAULTS_DIR.glob("*.yaml"):
        body = path.read_text()
        assert not re.search(r"{{[^}]*\bnotes\b|{%[^%]*\bnotes\b", body), path.name


def test_three_interviewers_are_thanked_by_name_as_a_sentence() -> None:
    people = (Interviewer("Ann Lee"), Interviewer("Bo Chen"), Interviewer("Cy Dee"))
    card = dataclasses.replace(sample_card(), interviewers=people)
    note = TemplateSet(None).get("thank-you").render(card, {}, NOW, UTC)
    assert "Please pass my thanks on to Bo and Cy as well." in note.body


def test_a_card_without_a_role_lists_and_composes_without_a_gap(laptop: Laptop) -> None:
    card_id = laptop.cli(
        "add", "--company", "T", "--interviewed-at", "yesterday", "--notes", SECRET
    ).out.strip()
    listed = laptop.cli("list").out
    assert listed.rstrip().endswith("T") and "—" not in listed, listed
    assert laptop.cli("show", card_id).out.splitlines()[0] == "T"
    for template in LETTERS:
        result = laptop.cli("compose", card_id, template)
        assert result.code == 0, result.err
        assert not prose_problems(result.out), (template, result.out)
        assert SECRET not in result.out
    assert laptop.cli("compose", card_id).out.startswith("Subject: Thank you for the interview\n")


def test_key_points_typed_as_a_list_on_one_line_are_one_per_line(laptop: Laptop) -> None:
    card_id = laptop.cli(
        "add",
        "--company",
        "Acme",
        "--role",
        "SRE",
        "--interviewed-at",
        "yesterday 14:00",
        "--key-point",
        "- Their migration to Kubernetes - My work on the billing system",
    ).out.strip()
    letter = laptop.cli("compose", card_id, "thank-you").out
    assert (
        "A few things have stayed with me since:\n"
        "- Their migration to Kubernetes\n"
        "- My work on the billing system\n"
    ) in letter


def test_an_unedited_older_default_in_the_vault_gives_way_to_the_new_one(laptop: Laptop) -> None:
    old = FIXTURES / "thank-you.yaml"
    assert is_older_default("thank-you", old.read_bytes())
    shutil.copy(old, laptop.vault / "templates" / "thank-you.yaml")
    card_id = laptop.cli("add", "--company", "Initech", "--interviewed-at", "today").out.strip()
    letter = laptop.cli("compose", card_id, "thank-you").out
    assert "the  role" not in letter and "about the role" in letter
    listed = laptop.cli("templates")
    assert "unedited older default" in listed.err and listed.code == 0
    installed = laptop.cli("templates", "--install")
    assert "Brought up to date" in installed.err and "thank-you" in installed.err
    target = laptop.vault / "templates" / "thank-you.yaml"
    assert target.read_bytes() == (DEFAULTS_DIR / "thank-you.yaml").read_bytes()


def test_an_edited_older_default_is_the_users_and_stays(laptop: Laptop) -> None:
    edited = (
        (FIXTURES / "follow-up.yaml").read_text().replace("I hope your week", "I hope your day")
    )
    target = laptop.vault / "templates" / "follow-up.yaml"
    target.write_text(edited)
    laptop.cli("templates", "--install")
    assert target.read_text() == edited
    card_id = laptop.cli(
        "add", "--company", "Hooli", "--role", "SRE", "--interviewed-at", "10 days ago"
    ).out.strip()
    assert "I hope your day" in laptop.cli("compose", card_id, "follow-up").out
