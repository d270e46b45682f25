"""A real terminal for the benchmarks: one tmux server of our own, one pane per launch, and the
bytes the pane receives read as they arrive, to time when a program first paints a given text.

A launch: the pane starts a shell that waits on a FIFO; `pipe-pane` streams everything written
to the pane into a second FIFO that a thread reads; the clock starts when the go line is
written, so tmux's own start-up is not counted, and stops when the text appears on screen (the
pane's bytes with the escape sequences taken out). The program and its baseline are launched
the same way, so what the terminal adds counts the same on both sides.

Also reads the peak memory of the launched process (`VmHWM` in /proc) before it is stopped.
It must never touch the user's tmux server or files: its server has a socket of its own and
every file lives in the temp folder it is given.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

TIMEOUT = 120.0  # seconds a launch may take before it counts as failed (a loaded machine)
# CSI (colours, cursor moves), OSC (titles, clipboard) and the two-byte escapes Textual writes.
ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)


@dataclass
class Painted:
    """One launch: seconds from the go line to `text` on screen, and the peak RSS in MiB."""

    seconds: float
    peak_mib: float


class Screen:
    """What one pane has shown so far, as text without escape sequences."""

    def __init__(self, fifo: Path) -> None:
        self.fifo = fifo
        self.raw = bytearray()
        self.text = b""
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        with open(self.fifo, "rb", buffering=0) as stream:
            while chunk := stream.read(65536):
                with self.changed:
                    self.raw += chunk
                    self.text = ESCAPES.sub(b"", bytes(self.raw))
                    self.changed.notify_all()

    def wait_for(self, text: str, deadline: float) -> float:
        """The moment (perf_counter) `text` is first on screen."""
        wanted = text.encode()
        with self.changed:
            while wanted not in self.text:
                left = deadline - time.monotonic()
                if left <= 0:
                    shown = self.text[-2000:].decode(errors="replace")
                    raise RuntimeError(f"waited for {text!r}; the pane shows: {shown}")
                self.changed.wait(min(left, 0.5))
            return time.perf_counter()


class Tmux:
    """A tmux server for one benchmark run (`with Tmux(folder) as tmux:`)."""

    def __init__(self, folder: Path, columns: int = 120, lines: int = 36) -> None:
        self.tmux = shutil.which("tmux") or "tmux"
        self.socket = f"followup-bench-{os.getpid()}"
        self.folder = folder
        self.columns, self.lines = columns, lines
        self.count = 0

    def __enter__(self) -> Tmux:
        # A session that outlives every launch: tmux exits with its last session, and a new
        # one started while it exits fails.
        self.run("new-session", "-d", "-s", "keep", "-x", "20", "-y", "5", "sleep", "100000")
        return self

    def __exit__(self, *_: object) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError, RuntimeError):
            self.run("kill-server")
        with contextlib.suppress(OSError):
            (Path(f"/tmp/tmux-{os.getuid()}") / self.socket).unlink()

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [self.tmux, "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    @contextlib.contextmanager
    def pane(self, argv: list[str], env: dict[str, str], cwd: Path) -> Iterator[Pane]:
        """A pane that runs `argv` (under `env -i`, exactly `env`) once `Pane.go` is called."""
        self.count += 1
        name = f"run{self.count}"
        go, out = self.folder / f"{name}.go", self.folder / f"{name}.out"
        os.mkfifo(go)
        os.mkfifo(out)
        command = shlex.join(["env", "-i", *(f"{k}={v}" for k, v in env.items()), *argv])
        shell = f"cd {shlex.quote(str(cwd))} && read _ < {shlex.quote(str(go))} && exec {command}"
        self.run("new-session", "-d", "-s", name, "-x", str(self.columns),
                 "-y", str(self.lines), "sh", "-c", shell)  # fmt: skip
        self.run("pipe-pane", "-t", name, f"cat > {shlex.quote(str(out))}")
        screen = Screen(out)
        pane = Pane(self, name, go, screen)
        try:
            yield pane
        finally:
            pane.stop()
            for fifo in (go, out):
                with contextlib.suppress(OSError):
                    fifo.unlink()


class Pane:
    def __init__(self, tmux: Tmux, name: str, go: Path, screen: Screen) -> None:
        self.tmux = tmux
        self.name = name
        self.go_fifo = go
        self.screen = screen
        self.pid = int(tmux.run("display-message", "-p", "-t", name, "#{pane_pid}").strip())
        self.started = 0.0

    def go(self) -> float:
        with open(self.go_fifo, "w") as fifo:
            self.started = time.perf_counter()
            fifo.write("go\n")
        return self.started

    def wait_for(self, text: str) -> float:
        return self.screen.wait_for(text, time.monotonic() + TIMEOUT)

    def type(self, text: str) -> None:
        self.tmux.run("send-keys", "-t", self.name, "-l", text)

    def press(self, key: str) -> float:
        """Send one key; returns the moment it was sent."""
        moment = time.perf_counter()
        self.tmux.run("send-keys", "-t", self.name, key)
        return moment

    def peak_mib(self) -> float:
        """The process's peak resident memory so far (0 when it is already gone)."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return 0.0
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        return int(match[1]) / 1024 if match else 0.0

    def stop(self) -> None:
        """Kill the pane's process and wait until it is gone (its CPU must not overlap the
        next launch)."""
        with contextlib.suppress(RuntimeError, subprocess.SubprocessError):
            self.tmux.run("kill-session", "-t", self.name)
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                break
            except PermissionError:  # pragma: no cover - not ours any more
                break
            time.sleep(0.01)
        self.screen.thread.join(5)
