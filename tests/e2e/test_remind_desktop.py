"""`followup-tui remind` on a real session bus (`dbus-run-session`), where a notification
service (`notification_service.py`, registered on that bus) receives what it shows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from conftest import Laptop, require_tool

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def remind_on_a_desktop(laptop: Laptop, record: Path) -> subprocess.CompletedProcess:
    session = require_tool("dbus-run-session")
    cli = [sys.executable, "-c", "import sys, tui.cli; sys.exit(tui.cli.main())"]
    env = {**os.environ, **laptop.env()}
    env.pop("FOLLOWUP_PASSWORD_COMMAND", None)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return subprocess.run(
        [session, "--", sys.executable, str(HERE / "notification_service.py"), str(record), "--",
         *cli, "--vault", str(laptop.vault), "remind"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def notifications(record: Path) -> list[dict]:
    if not record.exists():
        return []
    return [json.loads(line) for line in record.read_text().splitlines()]


def test_remind_shows_each_due_item_once_as_a_desktop_notification(
    laptop: Laptop, tmp_path: Path
) -> None:
    # 49 hours ago: its thank-you is 25 hours over at any hour of the run ("2 days ago" is a
    # day, not a time: run after midnight, it was 15 h over).
    at = (datetime.now().astimezone() - timedelta(hours=49)).strftime("%Y-%m-%d %H:%M")
    overdue = laptop.cli(
        "add", "--company", "Smith & Wesson <EU>", "--role", "SRE", "--interviewed-at", at
    ).out.strip()
    laptop.cli("add", "--company", "Globex", "--interviewed-at", "in 20 days")
    record = tmp_path / "notifications.jsonl"
    first = remind_on_a_desktop(laptop, record)
    assert first.returncode == 0, first.stderr
    assert first.stdout == ""  # shown on the desktop, not printed
    [shown] = notifications(record)
    assert shown["app"] == "followup-tui"
    assert shown["summary"] == "Thank-you note: 1 day overdue"
    # The service reads markup: the company's "&" and "<" arrive escaped, shown as typed.
    assert shown["body"].startswith("Smith &amp; Wesson &lt;EU&gt; — SRE\n")
    assert f"followup-tui compose {overdue} thank-you" in shown["body"]
    assert shown["urgency"] == 2  # overdue: critical
    second = remind_on_a_desktop(laptop, record)
    assert second.returncode == 0, second.stderr
    assert len(notifications(record)) == 1  # once: the next hourly run shows nothing new


def test_a_bus_without_a_notification_service_prints_the_reminders_instead(
    laptop: Laptop, tmp_path: Path
) -> None:
    session = require_tool("dbus-run-session")
    laptop.cli("add", "--company", "Acme", "--interviewed-at", "2 days ago")
    env = {**os.environ, **laptop.env(), "XDG_DATA_DIRS": str(tmp_path / "no-services")}
    env.pop("FOLLOWUP_PASSWORD_COMMAND", None)
    config = tmp_path / "bus.conf"  # a session bus that can start no service (no dunst here)
    config.write_text(
        '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"\n'
        ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">\n'
        "<busconfig><type>session</type><listen>unix:tmpdir=/tmp</listen>"
        '<policy context="default"><allow send_destination="*" eavesdrop="true"/>'
        '<allow eavesdrop="true"/><allow own="*"/></policy></busconfig>\n'
    )
    done = subprocess.run(
        [session, f"--config-file={config}", "--", sys.executable, "-c",
         "import sys, tui.cli; sys.exit(tui.cli.main())", "--vault", str(laptop.vault), "remind"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Acme" in done.stdout and "thank-you" in done.stdout
    said = [line for line in done.stderr.splitlines() if line.startswith("followup-tui:")]
    assert said == [
        "followup-tui: no desktop notifications (no notification service answers "
        "(org.freedesktop.DBus.Error.ServiceUnknown)); printing the reminders instead."
    ]
