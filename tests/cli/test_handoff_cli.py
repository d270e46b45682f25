"""The hand-off from the command line: `compose --mailto`, the ICS export's alarms, and
`calendar_file` kept current by `sync` and `sync --watch`."""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import unquote, urlsplit

from conftest import start_watch
from icalendar import Calendar
from syncthing import wait_for

from store.config import Config


def configure(laptop, **settings: str) -> None:
    with laptop.active():
        config = Config.load()
        for key, value in settings.items():
            setattr(config, key, value)
        config.save()


def add(laptop, *args: str) -> str:
    result = laptop.cli("add", "--company", "Acme", "--role", "Backend dev", *args)
    assert result.code == 0, result.err
    return result.out.strip()


def test_compose_mailto_prints_a_url_that_reads_back_to_the_note(laptop) -> None:
    card = add(
        laptop, "--interviewed-at", "yesterday 14:00", "--interviewer", "Änne Lee <ann@acme.io>"
    )
    note = laptop.cli("compose", card, "thank-you")
    result = laptop.cli("compose", card, "thank-you", "--mailto")
    assert result.code == 0, result.err
    url = urlsplit(result.out.strip())
    assert url.scheme == "mailto" and url.path == "ann@acme.io"
    fields = {k: unquote(v) for k, v in (p.split("=", 1) for p in url.query.split("&"))}
    subject, _, body = note.out.partition("\n\n")
    assert "Subject: " + fields["subject"] == subject
    assert fields["body"] == body.replace("\n", "\r\n")
    other = laptop.cli("compose", card, "thank-you", "--mailto", "--to", "hr@acme.io")
    assert urlsplit(other.out.strip()).path == "hr@acme.io"


def test_compose_mailto_with_sent_records_who_it_went_to(laptop) -> None:
    card = add(laptop, "--interviewed-at", "yesterday 14:00", "--interviewer", "Ann <ann@acme.io>")
    result = laptop.cli("compose", card, "thank-you", "--mailto", "--sent")
    assert result.code == 0, result.err
    shown = laptop.cli("show", card, "--json").out
    assert '"to": "Ann <ann@acme.io>"' in shown


def test_compose_mailto_bad_input_is_one_line(laptop) -> None:
    card = add(laptop, "--interviewed-at", "yesterday 14:00")
    nobody = laptop.cli("compose", card, "thank-you", "--mailto")
    assert nobody.code == 0 and nobody.out.startswith("mailto:?subject=")
    assert "no email address" in nobody.err
    bad = laptop.cli("compose", card, "--mailto", "--to", "ann at acme")
    assert bad.code == 1 and bad.err.count("\n") == 1 and "not an e-mail address" in bad.err
    lonely = laptop.cli("compose", card, "--to", "ann@acme.io")
    assert lonely.code == 1 and "use it with --mailto" in lonely.err


def test_the_ics_export_has_alarms_with_the_configured_lead(laptop, tmp_path: Path) -> None:
    add(laptop, "--interviewed-at", "yesterday 14:00")
    add(laptop, "--interviewed-at", "tomorrow 10:00")
    configure(laptop, calendar_alarm="45m")
    out = tmp_path / "due.ics"
    assert laptop.cli("export", "--format", "ics", "-o", str(out)).code == 0
    calendar = Calendar.from_ical(out.read_bytes())
    summaries = {str(e["SUMMARY"]) for e in calendar.walk("VEVENT")}
    assert {"Interview: Acme — Backend dev", "Thank-you note: Acme — Backend dev"} <= summaries
    for event in calendar.walk("VEVENT"):
        (alarm,) = event.walk("VALARM")
        day_long = not hasattr(event["DTSTART"].dt, "hour")
        assert alarm["TRIGGER"].dt.total_seconds() == (9 * 3600 if day_long else -45 * 60)
    configure(laptop, calendar_alarm="whenever")
    bad = laptop.cli("export", "--format", "ics")
    assert bad.code == 1 and "calendar_alarm" in bad.err and bad.err.count("\n") == 1


def test_sync_writes_the_calendar_file_and_refuses_one_in_the_vault(laptop, tmp_path) -> None:
    add(laptop, "--interviewed-at", "tomorrow 10:00")
    calendar = tmp_path / "followup.ics"
    configure(laptop, calendar_file=str(calendar))
    result = laptop.cli("sync")
    assert result.code == 0, result.err
    assert "calendar written" in result.err
    assert stat.S_IMODE(calendar.stat().st_mode) == 0o600
    assert "-interview@followup-tui" in calendar.read_text()
    assert "calendar" not in laptop.cli("sync").err  # unchanged: not written again
    configure(laptop, calendar_file=str(laptop.vault / "due.ics"))
    refused = laptop.cli("sync")
    assert refused.code == 0  # the merge itself went fine
    assert "inside the vault folder, which is synced" in refused.err
    assert not (laptop.vault / "due.ics").exists()


def test_sync_watch_keeps_the_calendar_file_current_as_cards_arrive(make_laptop, tmp_path) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    assert b.cli("--device-name", "b", "list").code == 0
    calendar = tmp_path / "followup.ics"
    configure(a, calendar_file=str(calendar))
    watch = start_watch(a)
    try:
        wait_for(lambda: any("Watching" in line for line in watch.err), 30, "the watcher to start")
        assert calendar.exists()
        card = b.cli("add", "--company", "Globex", "--interviewed-at", "tomorrow 9:00").out.strip()
        wait_for(
            lambda: f"UID:{card}-interview@followup-tui" in calendar.read_text(),
            30,
            "the other laptop's interview in the calendar",
        )
        # The file is written before the line that says so is printed (and read here).
        wait_for(lambda: any("calendar written" in line for line in watch.out), 30, "the line")
    finally:
        watch.stop()
    assert not any("Traceback" in line for line in watch.err), "".join(watch.err)
