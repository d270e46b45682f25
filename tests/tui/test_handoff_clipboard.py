"""Copying: OSC 52 and the system clipboard tool, found as a user's shell finds it (a program
on PATH). The tools here are stand-ins that record what they were given on stdin."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.handoff.clipboard import OSC52_LIMIT, clipboard_tool, copy

LETTER = "Dear Ann,\n\nthank you — it was a pleasure.\n\nSam"


def fake_tool(folder: Path, name: str, exit_status: int = 0) -> Path:
    """A program called `name` that writes its stdin (and arguments) beside itself."""
    folder.mkdir(exist_ok=True)
    record = folder / f"{name}.got"
    script = folder / name
    script.write_text(
        "#!/bin/sh\n"
        f'echo "$@" > "{record}.args"\n'
        f'cat > "{record}"\n'
        + (f'echo "{name}: cannot open display" >&2\nexit {exit_status}\n' if exit_status else "")
    )
    script.chmod(0o755)
    return record


def env_with(folder: Path, **extra: str) -> dict[str, str]:
    return {"PATH": f"{folder}:/usr/bin:/bin", **extra}


def test_under_wayland_the_letter_goes_to_wl_copy_and_by_osc52(tmp_path: Path) -> None:
    record = fake_tool(tmp_path / "bin", "wl-copy")
    sent: list[str] = []
    copied = copy(LETTER, sent.append, env=env_with(tmp_path / "bin", WAYLAND_DISPLAY="wayland-0"))
    assert record.read_text() == LETTER
    assert sent == [LETTER]
    assert copied.tool == "wl-copy" and copied.osc52
    assert "wl-copy" in copied.notice() and "OSC 52" in copied.notice()


def test_under_x_the_letter_goes_to_the_clipboard_selection_of_xclip(tmp_path: Path) -> None:
    record = fake_tool(tmp_path / "bin", "xclip")
    copied = copy(LETTER, lambda _: None, env=env_with(tmp_path / "bin", DISPLAY=":0"))
    assert copied.tool == "xclip"
    assert record.read_text() == LETTER
    assert Path(f"{record}.args").read_text().split() == ["-selection", "clipboard", "-in"]


def test_xsel_is_used_when_xclip_is_missing(tmp_path: Path) -> None:
    record = fake_tool(tmp_path / "bin", "xsel")
    tool = clipboard_tool(env_with(tmp_path / "bin", DISPLAY=":0"))
    assert tool is not None and tool.name == "xsel"
    copy(LETTER, lambda _: None, env=env_with(tmp_path / "bin", DISPLAY=":0"))
    assert record.read_text() == LETTER


def test_a_letter_too_long_for_osc52_goes_only_to_the_system_tool(tmp_path: Path) -> None:
    record = fake_tool(tmp_path / "bin", "wl-copy")
    long_letter = "ä" * OSC52_LIMIT
    sent: list[str] = []
    copied = copy(long_letter, sent.append, env=env_with(tmp_path / "bin", WAYLAND_DISPLAY="w"))
    assert record.read_text() == long_letter
    assert sent == []  # no OSC 52 a terminal would cut
    assert "too long for OSC 52" in copied.notice()


def test_without_a_tool_osc52_is_the_only_way_and_the_notice_says_so(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    sent: list[str] = []
    copied = copy(LETTER, sent.append, env={"PATH": str(tmp_path / "empty")})
    assert sent == [LETTER] and copied.tool is None
    assert "OSC 52" in copied.notice() and "GNOME Terminal" in copied.notice()
    long_copy = copy("x" * (OSC52_LIMIT * 2), sent.append, env={"PATH": str(tmp_path / "empty")})
    assert long_copy.osc52 and "may be too long" in long_copy.notice()


def test_a_tool_that_fails_is_named_and_osc52_still_carries_the_letter(tmp_path: Path) -> None:
    fake_tool(tmp_path / "bin", "xclip", exit_status=1)
    sent: list[str] = []
    copied = copy(LETTER, sent.append, env=env_with(tmp_path / "bin", DISPLAY=":9"))
    assert sent == [LETTER] and copied.tool is None
    assert "xclip failed (status 1: xclip: cannot open display)" in copied.notice()


@pytest.mark.parametrize(
    ("name", "env", "platform"),
    [
        ("pbcopy", {}, "darwin"),
        ("clip.exe", {"WSL_DISTRO_NAME": "Debian"}, "linux"),
        ("termux-clipboard-set", {}, "linux"),
    ],
)
def test_each_system_finds_its_own_tool(tmp_path: Path, name, env, platform) -> None:
    fake_tool(tmp_path / "bin", name)
    tool = clipboard_tool(env_with(tmp_path / "bin", **env), platform=platform)
    assert tool is not None and tool.name == name


def test_clip_exe_gets_utf16_so_windows_reads_umlauts_right(tmp_path: Path) -> None:
    record = fake_tool(tmp_path / "bin", "clip.exe")
    copy("Grüße", lambda _: None, env=env_with(tmp_path / "bin", WSL_DISTRO_NAME="Debian"))
    assert record.read_bytes().decode("utf-16") == "Grüße"
