"""`followup-tui remind` without a desktop (lines on stdout), its per-device log, a config dir
that cannot be written, and `--install` / `--uninstall` of the hourly timer."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import Laptop, require_tool

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def no_desktop(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A machine without a session bus (a server, cron): reminders are lines on stdout."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))


def add(laptop: Laptop, company: str, when: str) -> str:
    result = laptop.cli("add", "--company", company, "--interviewed-at", when)
    assert result.code == 0, result.err
    return result.out.strip()


def test_without_a_desktop_each_reminder_is_one_line_and_only_once(
    laptop: Laptop, no_desktop: None
) -> None:
    acme = add(laptop, "Acme", "2 days ago")  # its thank-you is overdue
    add(laptop, "Globex", "in 9 days")  # nothing to remind of yet
    first = laptop.cli("remind")
    assert first.code == 0, first.err
    assert first.err == ""
    [line] = first.out.splitlines()
    assert acme in line and "thank-you" in line and "overdue" in line
    again = laptop.cli("remind")
    assert (again.code, again.out, again.err) == (0, "", "")  # once, not every hour
    log = json.loads((laptop.config_dir / "reminders.json").read_text())
    assert [key.split("@")[0] for key in log["reminded"]] == [f"{acme}:note:thank-you"]
    assert not list(laptop.vault.rglob("reminders.json"))  # never in the synced folder


def test_dry_run_records_nothing_and_json_says_why(laptop: Laptop, no_desktop: None) -> None:
    acme = add(laptop, "Acme", "2 days ago")
    dry = laptop.cli("remind", "--dry-run")
    assert dry.code == 0 and dry.out.startswith("would remind: ")
    assert not (laptop.config_dir / "reminders.json").exists()
    shown = laptop.cli("remind", "--json")
    assert shown.code == 0, shown.err
    [item] = json.loads(shown.out)
    assert (item["card_id"], item["kind"], item["reason"]) == (acme, "note", "overdue")
    assert json.loads(laptop.cli("remind", "--json").out) == []  # --json records them too


def test_a_damaged_log_is_a_warning_and_the_run_goes_on(laptop: Laptop, no_desktop: None) -> None:
    add(laptop, "Acme", "2 days ago")
    (laptop.config_dir / "reminders.json").write_text("{half a file")
    result = laptop.cli("remind")
    assert result.code == 0
    assert result.err.startswith("followup-tui: warning: ") and "damaged" in result.err
    assert "Acme" in result.out


def test_a_folder_where_the_log_should_be_is_one_line_and_nothing_is_reminded(
    laptop: Laptop, no_desktop: None
) -> None:
    add(laptop, "Acme", "2 days ago")
    (laptop.config_dir / "reminders.json").mkdir()
    result = laptop.cli("remind")
    assert result.code == 1
    assert result.out == ""
    assert len(result.err.strip().splitlines()) == 1, result.err
    assert "reminders.json" in result.err and "nothing was reminded" in result.err


def _read_only_run(laptop: Laptop, folder: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the CLI with `folder` read-only: a read-only bind mount in a mount namespace of
    its own as root (root writes through permissions), its mode bits otherwise."""
    command = [
        sys.executable, "-c", "import sys, tui.cli; sys.exit(tui.cli.main())",
        "--vault", str(laptop.vault), *args,
    ]  # fmt: skip
    env = {**os.environ, **laptop.env()}
    env.pop("FOLLOWUP_PASSWORD_COMMAND", None)
    if os.geteuid() != 0:
        folder.chmod(0o500)
        try:
            return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        finally:
            folder.chmod(0o700)
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("unshare is not installed")
    quoted = " ".join(f"'{a}'" for a in command)
    script = (
        f"mount --bind '{folder}' '{folder}' && mount -o remount,ro,bind '{folder}' && {quoted}"
    )
    done = subprocess.run(
        [unshare, "-m", "sh", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if "mount:" in done.stderr or "unshare:" in done.stderr:
        pytest.skip(f"no read-only mount here: {done.stderr.strip()}")
    return done


def test_a_read_only_config_dir_is_one_clear_line_and_nothing_is_reminded(
    laptop: Laptop, no_desktop: None
) -> None:
    add(laptop, "Acme", "2 days ago")
    done = _read_only_run(laptop, laptop.config_dir, "remind")
    assert done.returncode == 1
    assert done.stdout == ""  # nothing shown that the next run would show again
    [line] = done.stderr.splitlines()
    assert line.startswith("followup-tui: ") and "reminders.json: cannot write it" in line
    assert "nothing was reminded" in line


# --- the hourly timer ------------------------------------------------------------------------


@pytest.fixture
def units(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Where the user's systemd units go: `$XDG_CONFIG_HOME/systemd/user/` in a temp folder."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "systemd" / "user"


def fake_systemctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, answer: int) -> Path:
    """A `systemctl` first on PATH that logs its arguments (a user manager stand-in: none runs
    in a container), answering with `answer`."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "systemctl.log"
    tool = bin_dir / "systemctl"
    tool.write_text(
        f"#!/bin/sh\necho \"$@\" >> '{log}'\n"
        + ("echo 'Failed to connect to bus: No medium found' >&2\n" if answer else "")
        + f"exit {answer}\n"
    )
    tool.chmod(tool.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def test_install_writes_units_that_systemd_accepts_and_enables_the_timer(
    laptop: Laptop, units: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    analyze = require_tool("systemd-analyze")
    log = fake_systemctl(tmp_path, monkeypatch, 0)
    result = laptop.cli("remind", "--install")
    assert result.code == 0, result.err
    assert "Enabled: remind runs every hour" in result.out
    assert log.read_text().splitlines() == [
        "--user daemon-reload",
        "--user enable --now followup-tui-remind.timer",
    ]
    service = (units / "followup-tui-remind.service").read_text()
    timer = (units / "followup-tui-remind.timer").read_text()
    assert f'Environment="FOLLOWUP_CONFIG_DIR={laptop.config_dir}"' in service
    assert f'Environment="FOLLOWUP_PASSWORD_FILE={laptop.password_file}"' in service
    assert f"--vault {laptop.vault} remind" in service
    assert "correct horse" not in service  # the passphrase's source, never the passphrase
    assert "OnCalendar=hourly" in timer and "Persistent=true" in timer
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    checked = subprocess.run(
        [analyze, "--user", "verify", str(units / "followup-tui-remind.service"),
         str(units / "followup-tui-remind.timer")],
        env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "Unknown" not in checked.stderr and "not executable" not in checked.stderr


def test_without_a_user_manager_install_says_how_to_enable_it_later(
    laptop: Laptop, units: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_systemctl(tmp_path, monkeypatch, 1)
    result = laptop.cli("remind", "--install")
    assert result.code == 0, result.err
    assert "No systemd user manager answers (Failed to connect to bus" in result.out
    assert "systemctl --user enable --now followup-tui-remind.timer" in result.out
    assert "0 * * * * " in result.out  # and the cron way
    assert (units / "followup-tui-remind.timer").is_file()


def test_uninstall_removes_exactly_what_install_wrote(
    laptop: Laptop, units: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = fake_systemctl(tmp_path, monkeypatch, 0)
    units.mkdir(parents=True)
    mine = units / "my-backup.timer"
    mine.write_text("[Timer]\nOnCalendar=daily\n")
    assert laptop.cli("remind", "--install").code == 0
    service = units / "followup-tui-remind.service"
    service.write_text(service.read_text() + "# my own tweak\n")
    result = laptop.cli("remind", "--uninstall")
    assert result.code == 0, result.err
    assert f"Left {service} in place: it changed since it was installed." in result.out
    assert not (units / "followup-tui-remind.timer").exists()
    assert service.exists() and mine.read_text() == "[Timer]\nOnCalendar=daily\n"
    assert "--user disable --now followup-tui-remind.timer" in log.read_text()
    again = laptop.cli("remind", "--uninstall")
    assert again.code == 0 and again.out.startswith(f"Left {service} in place")
    service.unlink()
    assert laptop.cli("remind", "--uninstall").out == "Nothing left to remove.\n"
    last = laptop.cli("remind", "--uninstall")
    assert last.code == 0 and last.out.startswith("Nothing to uninstall")


def test_without_systemd_install_prints_a_crontab_line_and_writes_nothing(
    laptop: Laptop, units: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-systemd"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = laptop.cli("remind", "--install")
    assert result.code == 0, result.err
    told, line = result.out.splitlines()
    assert told.startswith("No systemd here")
    assert line.startswith("0 * * * * FOLLOWUP_CONFIG_DIR=")
    assert line.endswith(f"--vault {laptop.vault} remind")
    assert not units.exists()


def test_install_refuses_when_the_timer_could_not_unlock_the_vault(
    laptop: Laptop,
    units: Path,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake_systemctl(tmp_path, monkeypatch, 0)
    from tui.cli import main

    with laptop.active():
        os.environ.pop("FOLLOWUP_PASSWORD_FILE")  # only a prompt could give the passphrase
        code = main(["--vault", str(laptop.vault), "remind", "--install"])
    assert code == 1
    [line] = capsys.readouterr().err.splitlines()
    assert "set FOLLOWUP_PASSWORD_COMMAND" in line
    assert not units.exists()


def test_a_read_only_unit_folder_is_one_clear_line(
    laptop: Laptop, units: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_systemctl(tmp_path, monkeypatch, 0)
    units.mkdir(parents=True)
    done = _read_only_run(laptop, units.parent.parent, "remind", "--install")
    assert done.returncode == 1
    [line] = done.stderr.splitlines()
    assert line.startswith("followup-tui: ") and "cannot write it" in line


def test_install_again_keeps_a_unit_edited_since_and_one_it_did_not_write(
    laptop: Laptop, make_laptop: Any, units: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_systemctl(tmp_path, monkeypatch, 0)
    assert laptop.cli("remind", "--install").code == 0
    service = units / "followup-tui-remind.service"
    again = laptop.cli("remind", "--install")  # unchanged since: written again, quietly
    assert again.code == 0, again.err
    tweaked = service.read_text() + "Nice=10\n"
    service.write_text(tweaked)
    refused = laptop.cli("remind", "--install")
    assert refused.code == 1
    [line] = refused.err.splitlines()
    assert str(service) in line and "changed since" in line
    assert service.read_text() == tweaked  # the user's edit is still there
    service.unlink()
    assert laptop.cli("remind", "--install").code == 0  # moved away: installed afresh
    other = make_laptop("other", vault=laptop.vault)  # another config dir on this account
    before = service.read_text()
    taken = other.cli("remind", "--install")
    assert taken.code == 1
    assert str(service) in taken.err and "not written from this config dir" in taken.err
    assert service.read_text() == before  # the first device keeps its hourly reminder
