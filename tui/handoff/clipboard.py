"""Copying a letter: through the terminal (OSC 52) and the system's clipboard tool, both.

OSC 52 reaches the clipboard of the machine the terminal runs on, over SSH too, but many
terminals ignore it (GNOME Terminal and other VTE ones) and some take only a few KB (Tabby,
Termux). The system tool reaches this machine's clipboard: `wl-copy` under Wayland, `xclip`
or `xsel` under X, `pbcopy` on macOS, `clip.exe` under WSL, `termux-clipboard-set` in Termux.
So a letter goes both ways where it can; one whose OSC 52 sequence would be longer than
`OSC52_LIMIT` goes only to the tool when there is one. `Copied.notice` says which way it went.

Must never run anything but one of those tools, and never wait on one for long: `xclip` and
`wl-copy` stay behind to serve the clipboard, so their output is never a pipe we read.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from store.untrusted import printable

OSC52_LIMIT = 4096  # bytes of base64: what the terminals with the smallest limit still take
TOOL_TIMEOUT = 5.0


@dataclass(frozen=True)
class Tool:
    name: str
    argv: tuple[str, ...]
    encoding: str = "utf-8"


def clipboard_tool(
    env: Mapping[str, str] | None = None, platform: str | None = None
) -> Tool | None:
    """The system clipboard tool that works here, or None (then OSC 52 is the only way)."""
    env = os.environ if env is None else env
    platform = platform or sys.platform
    path = env.get("PATH")

    def found(name: str) -> str | None:
        return shutil.which(name, path=path)

    candidates: list[tuple[str, tuple[str, ...], str]] = []
    if platform == "darwin":
        candidates.append(("pbcopy", (), "utf-8"))
    if env.get("WAYLAND_DISPLAY"):
        candidates.append(("wl-copy", (), "utf-8"))
    if env.get("DISPLAY"):
        candidates.append(("xclip", ("-selection", "clipboard", "-in"), "utf-8"))
        candidates.append(("xsel", ("--clipboard", "--input"), "utf-8"))
    candidates.append(("termux-clipboard-set", (), "utf-8"))
    if env.get("WSL_DISTRO_NAME") or env.get("WSL_INTEROP"):
        candidates.append(("clip.exe", (), "utf-16"))  # with a BOM: clip.exe reads it right
    for name, args, encoding in candidates:
        program = found(name)
        if program:
            return Tool(name, (program, *args), encoding)
    return None


@dataclass(frozen=True)
class Copied:
    """Which ways a copy went, for the one notice that says so."""

    osc52: bool
    tool: str | None
    problem: str | None = None  # the tool failed: why
    too_long: bool = False  # over OSC52_LIMIT

    @property
    def anywhere(self) -> bool:
        return self.osc52 or self.tool is not None

    def notice(self, what: str = "The note") -> str:
        if self.tool and self.osc52:
            return f"{what} is on the clipboard (through {self.tool}, and OSC 52 for a remote terminal)."
        if self.tool:
            return (
                f"{what} is on the clipboard through {self.tool} (too long for OSC 52, "
                "which some terminals cut)."
            )
        failed = f"{self.problem}; " if self.problem else ""
        if self.too_long:
            return (
                f"{failed}{what} went to the terminal by OSC 52 only, and may be too long for "
                "yours; install wl-clipboard or xclip to copy it whole."
            )
        return (
            f"{failed}{what} went to the terminal by OSC 52 (your terminal must allow it; "
            "GNOME Terminal does not). Install wl-clipboard or xclip to copy it here too."
        )


def osc52_size(text: str) -> int:
    return len(base64.b64encode(text.encode("utf-8")))


def copy(text: str, osc52: Callable[[str], None], env: Mapping[str, str] | None = None) -> Copied:
    """Copy `text` every way there is; `osc52` writes the escape sequence (the app does)."""
    tool = clipboard_tool(env)
    too_long = osc52_size(text) > OSC52_LIMIT
    used_tool, problem = None, None
    if tool is not None:
        problem = _run(tool, text)
        used_tool = tool.name if problem is None else None
    sent = not (too_long and used_tool)
    if sent:
        osc52(text)
    return Copied(osc52=sent, tool=used_tool, problem=problem, too_long=too_long)


def _run(tool: Tool, text: str) -> str | None:
    """Give `text` to the tool; None when it took it, else why not (one line)."""
    data = text.encode("utf-16") if tool.encoding == "utf-16" else text.encode(tool.encoding)
    with tempfile.TemporaryFile() as errors:
        try:
            done = subprocess.run(
                list(tool.argv),
                input=data,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                timeout=TOOL_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return f"{tool.name} did not finish"
        except OSError as exc:
            return f"{tool.name} did not start ({exc.strerror or exc})"
        if done.returncode != 0:
            errors.seek(0)
            said = errors.read(2000).decode("utf-8", "replace").strip().splitlines()
            why = f": {printable(said[-1])[:120]}" if said else ""
            return f"{tool.name} failed (status {done.returncode}{why})"
    return None
