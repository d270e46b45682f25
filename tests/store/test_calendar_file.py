"""`calendar_file`: an .ics kept current for a subscribed calendar — written atomically, 0600,
only when an event changed, never inside the synced vault, never over a file not ours."""

from __future__ import annotations

import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from store.cards.board import Board
from store.errors import FollowupError
from store.notes.templates import TemplateSet
from store.transfer.calendar_file import CalendarFile, calendar_path

NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)
TEMPLATES = TemplateSet(None).all()


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    folder = tmp_path / "vault"
    folder.mkdir()
    return folder


def a_board() -> Board:
    board = Board("aaaaaaaaaaaa")
    board.add({"company": "Acme", "interviewed_at": datetime(2026, 3, 20, 8, tzinfo=UTC)})
    return board


def test_the_file_is_written_private_and_rewritten_only_when_an_event_changes(
    tmp_path: Path, vault: Path
) -> None:
    path = tmp_path / "cal" / "followup.ics"
    path.parent.mkdir()
    board = a_board()
    calendar = CalendarFile(str(path), "1h", vault)
    assert calendar.refresh(board.all(), TEMPLATES, NOW).written
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "BEGIN:VALARM" in path.read_text()
    before = path.stat()
    later = NOW + timedelta(minutes=5)  # a new DTSTAMP, the same events
    assert not calendar.refresh(board.all(), TEMPLATES, later).written
    again = CalendarFile(str(path), "1h", vault)  # another process, same file
    assert not again.refresh(board.all(), TEMPLATES, later).written
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    card = board.add({"company": "Globex", "interviewed_at": datetime(2026, 3, 24, tzinfo=UTC)})
    assert calendar.refresh(board.all(), TEMPLATES, later).written
    assert f"UID:{card}-interview@followup-tui" in path.read_text()
    assert [p.name for p in path.parent.iterdir()] == ["followup.ics"]  # no temp file left


def test_a_file_removed_by_hand_is_written_again(tmp_path: Path, vault: Path) -> None:
    path = tmp_path / "followup.ics"
    calendar = CalendarFile(str(path), None, vault)
    calendar.refresh(a_board().all(), TEMPLATES, NOW)
    path.unlink()
    assert calendar.refresh(a_board().all(), TEMPLATES, NOW).written and path.exists()


def test_a_calendar_file_inside_the_vault_folder_is_refused(vault: Path, tmp_path: Path) -> None:
    calendar = CalendarFile(str(vault / "due.ics"), None, vault)
    done = calendar.refresh(a_board().all(), TEMPLATES, NOW)
    assert done.error and "inside the vault folder, which is synced" in done.error
    assert not (vault / "due.ics").exists()
    link = tmp_path / "looks-outside.ics"
    link.symlink_to(vault / "due.ics")  # a symlink into the vault is the vault too
    with pytest.raises(FollowupError, match="inside the vault folder"):
        calendar_path(str(link), vault)
    assert calendar.refresh(a_board().all(), TEMPLATES, NOW).repeated  # said once


def test_a_file_that_is_not_ours_is_never_written_over(tmp_path: Path, vault: Path) -> None:
    theirs = tmp_path / "personal.ics"
    theirs.write_text("BEGIN:VCALENDAR\r\nPRODID:-//Someone//Else//EN\r\nEND:VCALENDAR\r\n")
    done = CalendarFile(str(theirs), None, vault).refresh(a_board().all(), TEMPLATES, NOW)
    assert done.error and "did not write" in done.error
    assert "Someone" in theirs.read_text()


@pytest.mark.parametrize("setting", ["due.ics", "", "relative/path.ics"])
def test_a_calendar_file_that_is_not_a_full_path_is_one_clear_line(setting, vault) -> None:
    with pytest.raises(FollowupError, match="should be a full path"):
        calendar_path(setting, vault)


def test_a_folder_or_a_place_that_cannot_hold_the_file_is_one_clear_line(
    tmp_path: Path, vault: Path
) -> None:
    assert "is a folder" in (CalendarFile(str(tmp_path), None, vault).refresh([], [], NOW).error)
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    done = CalendarFile(str(a_file / "c.ics"), None, vault).refresh([], [], NOW)
    assert done.error and "c.ics: cannot" in done.error and "Not a directory" in done.error
    assert a_file.read_text() == "mine"


def test_a_device_or_a_pipe_is_never_replaced_by_the_calendar(tmp_path: Path, vault: Path) -> None:
    import os

    pipe = tmp_path / "pipe.ics"
    os.mkfifo(pipe)
    for path in (pipe, Path("/dev/null")):
        done = CalendarFile(str(path), None, vault).refresh(a_board().all(), TEMPLATES, NOW)
        assert done.error and "not a regular file" in done.error
    assert stat.S_ISFIFO(pipe.stat().st_mode) and stat.S_ISCHR(os.stat("/dev/null").st_mode)
