"""The follow-up commands end to end on a real vault: due, compose, answered, round, templates,
profile, and the ICS export."""

from __future__ import annotations

import json
from pathlib import Path


def add_card(laptop, *extra: str) -> str:
    result = laptop.cli(
        "add",
        "--company",
        "Acme",
        "--role",
        "Backend dev",
        "--interviewed-at",
        "2 days ago",
        "--interviewer",
        "Ann Lee, CTO <ann@acme.io>",
        "--key-point",
        "their move to Rust",
        *extra,
    )
    assert result.code == 0, result.err
    return result.out.strip()


def show(laptop, card_id: str) -> dict:
    return json.loads(laptop.cli("show", card_id, "--json").out)


def test_init_puts_the_default_templates_in_the_vault(laptop) -> None:
    names = sorted(p.name for p in (laptop.vault / "templates").iterdir())
    assert names == [
        "close-no-answer.yaml",
        "continued-interest.yaml",
        "follow-up-2.yaml",
        "follow-up.yaml",
        "offer-reply.yaml",
        "rejection-reply.yaml",
        "thank-you.yaml",
    ]


def test_due_lists_the_overdue_thank_you_as_json(laptop) -> None:
    card_id = add_card(laptop)
    result = laptop.cli("due", "--json")
    assert result.code == 0, result.err
    (item,) = json.loads(result.out)
    assert item["card_id"] == card_id
    assert item["template"] == "thank-you"
    assert item["status"] == "overdue"
    assert item["relative"].endswith("overdue")
    assert item["rule"] == "24 h after the interview"
    text = laptop.cli("due")
    assert card_id in text.out and "thank-you" in text.out


def test_compose_prints_the_note_and_sent_records_it_and_moves_the_card(laptop) -> None:
    card_id = add_card(laptop)
    assert laptop.cli("profile", "--name", "Sam Doe", "--signature", "Sam Doe\\n+1 555").code == 0
    printed = laptop.cli("compose", card_id[:6])
    assert printed.code == 0, printed.err
    assert "using template 'thank-you'" in printed.err
    assert printed.out.startswith("Subject: Thank you — Backend dev interview\n\nDear Ann,\n")
    assert printed.out.endswith("Best regards,\nSam Doe\n+1 555\n")
    assert show(laptop, card_id)["stage"] == "interviewed"  # printing changes nothing

    sent = laptop.cli("compose", card_id, "thank-you", "--sent")
    assert sent.code == 0, sent.err
    assert "(interviewed → thanked)" in sent.err
    card = show(laptop, card_id)
    assert card["stage"] == "thanked"
    (event,) = [e for e in card["timeline"] if e["kind"] == "note_sent"]
    assert event["template"] == "thank-you"
    assert event["subject"] == "Thank you — Backend dev interview"
    assert "Subject: " + event["subject"] + "\n\n" + event["text"] == sent.out
    assert json.loads(laptop.cli("due", "--json").out) == []


def test_compose_sent_from_file_records_the_edited_text(laptop, tmp_path: Path) -> None:
    card_id = add_card(laptop, "--stage", "waiting")
    edited = tmp_path / "note.txt"
    edited.write_text("Subject: Quick check-in\n\nHi Ann,\nany news?\nSam\n")
    result = laptop.cli("compose", card_id, "follow-up", "--sent", "--from-file", str(edited))
    assert result.code == 0, result.err
    card = show(laptop, card_id)
    assert card["stage"] == "followed-up"
    (event,) = [e for e in card["timeline"] if e["kind"] == "note_sent"]
    assert (event["subject"], event["text"]) == ("Quick check-in", "Hi Ann,\nany news?\nSam\n")


def test_answered_stops_the_follow_up_and_round_brings_a_new_thank_you(laptop) -> None:
    card_id = add_card(laptop, "--stage", "thanked", "--interviewed-at", "10 days ago")
    assert [i["template"] for i in json.loads(laptop.cli("due", "--json").out)] == ["follow-up"]
    answered = laptop.cli(
        "answered", card_id, "--note", "Still deciding", "--promised-by", "in 3 days"
    )
    assert answered.code == 0, answered.err
    card = show(laptop, card_id)
    assert card["stage"] == "waiting"
    assert [e.get("text") for e in card["timeline"] if e["kind"] == "answered"] == [
        "Still deciding"
    ]
    assert json.loads(laptop.cli("due", "--json").out) == []
    upcoming = json.loads(laptop.cli("due", "--all", "--json").out)
    assert [(i["template"], i["rule"]) for i in upcoming] == [
        ("follow-up", "the day after the promised answer date")
    ]

    nxt = laptop.cli("round", card_id, "--at", "yesterday 10:00", "--round", "second")
    assert nxt.code == 0, nxt.err
    card = show(laptop, card_id)
    assert (card["stage"], card["round"], card["promised_by"]) == ("interviewed", "second", None)
    due = json.loads(laptop.cli("due", "--json").out)
    assert [i["template"] for i in due] == ["thank-you"]


def test_a_bad_template_is_a_warning_and_the_last_good_version_is_used(laptop) -> None:
    card_id = add_card(laptop)
    path = laptop.vault / "templates" / "thank-you.yaml"
    path.write_text(path.read_text().replace("{{ role }}", "{{ rôle }}", 1))
    composed = laptop.cli("compose", card_id, "thank-you")
    assert composed.code == 0
    assert "warning: templates/thank-you.yaml, line 8: subject:" in composed.err
    assert composed.out.startswith("Subject: Thank you — Backend dev interview")  # built-in
    listed = laptop.cli("templates")
    assert listed.code == 1
    assert "templates/thank-you.yaml, line 8" in listed.err
    assert "Traceback" not in listed.err + composed.err


def test_templates_install_restores_a_missing_default_only(laptop) -> None:
    folder = laptop.vault / "templates"
    (folder / "follow-up-2.yaml").unlink()
    (folder / "thank-you.yaml").write_text(
        "stage: interviewed\nsubject: Mine\nbody: |\n  My own words, {{ interviewer.first_name }}.\n"
    )
    result = laptop.cli("templates", "--install")
    assert result.code == 0, result.err
    assert "follow-up-2" in result.err
    assert "My own words" in (folder / "thank-you.yaml").read_text()
    data = json.loads(laptop.cli("templates", "--json").out)
    assert {t["name"]: t["source"] for t in data["templates"]}["thank-you"] == "vault"
    assert data["problems"] == []


def test_unknown_card_or_template_is_one_line_and_exit_1(laptop) -> None:
    card_id = add_card(laptop)
    for args in (("compose", "ffffff"), ("compose", card_id, "nope"), ("answered", "ffffff")):
        result = laptop.cli(*args)
        assert result.code == 1
        assert result.err.count("\n") == 1 and result.err.startswith("followup-tui: ")
    assert "No template 'nope'" in laptop.cli("compose", card_id, "nope").err


def test_profile_is_kept_in_the_config_not_the_vault(laptop) -> None:
    assert laptop.cli("profile", "--name", "Sam Doe", "--email", "sam@x.org").code == 0
    shown = json.loads(laptop.cli("profile", "--json").out)
    assert shown == {"name": "Sam Doe", "email": "sam@x.org"}
    assert laptop.cli("profile", "--email", "").code == 0
    assert json.loads(laptop.cli("profile", "--json").out) == {"name": "Sam Doe"}
    assert b"Sam Doe" not in b"".join(
        p.read_bytes() for p in laptop.vault.rglob("*") if p.is_file()
    )


def test_export_ics_writes_the_due_notes(laptop, tmp_path: Path) -> None:
    card_id = add_card(laptop)
    result = laptop.cli("export", "--format", "ics")
    assert result.code == 0, result.err
    assert result.out.startswith("BEGIN:VCALENDAR\r\n")
    assert f"UID:{card_id}-thank-you@followup-tui\r\n" in result.out


def test_profile_refuses_an_email_that_is_no_address(laptop) -> None:
    assert laptop.cli("profile", "--name", "Sam Doe").code == 0
    result = laptop.cli("profile", "--email", "still bad")
    assert result.code == 1
    assert result.err == "followup-tui: 'still bad' is not an email address (like ann@acme.io).\n"
    assert json.loads(laptop.cli("profile", "--json").out) == {"name": "Sam Doe"}  # unchanged
    assert laptop.cli("profile", "--email", "mailto:sam@x.org").code == 0
    assert json.loads(laptop.cli("profile", "--json").out)["email"] == "sam@x.org"
