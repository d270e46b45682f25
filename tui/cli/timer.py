"""`followup-tui remind --install` / `--uninstall`: an hourly run of `remind`, set up and undone.

Where systemd is the service manager, a user timer and its service go into
`$XDG_CONFIG_HOME/systemd/user/` (default `~/.config/systemd/user/`) and are enabled with
`systemctl --user` when a user manager runs; otherwise the command says how to enable them
later, or prints a crontab line where there is no systemd at all. What was written is noted in
the config dir (`remind-install.json`, with each file's hash), so `--uninstall` removes exactly
that: a unit file the user has changed since is left in place and named (and `--install`
again writes over none but its own unchanged files).

The units carry `FOLLOWUP_CONFIG_DIR` (this device) and the passphrase's *source*
(`FOLLOWUP_PASSWORD_COMMAND`, e.g. `secret-tool lookup …`), never the passphrase itself.
Must never write outside the unit folder and the config dir, and never edit a crontab.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from store.errors import FollowupError
from store.files import atomic_write, ensure_folder
from store.untrusted import MAX_SMALL_FILE_BYTES, one_line, read_capped

UNIT = "followup-tui-remind"
RECORD = "remind-install.json"
MARK = "# Installed by `followup-tui remind --install`; `--uninstall` removes it."
PASSPHRASE_SOURCES = ("FOLLOWUP_PASSWORD_COMMAND", "FOLLOWUP_PASSWORD_FILE")


def units_dir() -> Path:
    """Where systemd looks for this user's own units."""
    base = os.environ.get("XDG_CONFIG_HOME", "").strip()
    return (Path(base) if base else Path.home() / ".config") / "systemd" / "user"


def followup_command() -> str:
    """The `followup-tui` a timer should run: the one beside this Python (a venv, pipx), else
    the one on PATH."""
    beside = Path(sys.executable).parent / "followup-tui"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    found = shutil.which("followup-tui")
    if found:
        return str(Path(found).absolute())
    raise FollowupError(
        "cannot find the followup-tui command to run every hour; install it (pipx install .) "
        "and run remind --install again."
    )


def _systemd_quoted(text: str, exec_line: bool) -> str:
    if "\n" in text or "\r" in text:
        raise FollowupError(f"{text!r}: a line break cannot go into a systemd unit.")
    escaped = text.replace("%", "%%")
    if exec_line:
        escaped = escaped.replace("$", "$$")
    if exec_line and escaped and not any(c in escaped for c in " \t\"'\\;"):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class Schedule:
    """What runs every hour: the command line and the environment it needs."""

    command: tuple[str, ...]
    environment: dict[str, str]

    def service(self) -> str:
        lines = [
            "[Unit]",
            "Description=followup-tui: remind of notes and interviews that fell due",
            MARK,
            "",
            "[Service]",
            "Type=oneshot",
        ]
        for key, value in self.environment.items():
            lines.append(f"Environment={_systemd_quoted(f'{key}={value}', exec_line=False)}")
        lines.append("ExecStart=" + " ".join(_systemd_quoted(a, True) for a in self.command))
        return "\n".join(lines) + "\n"

    @staticmethod
    def timer() -> str:
        return (
            "[Unit]\n"
            "Description=followup-tui: remind every hour (missed runs catch up)\n"
            f"{MARK}\n\n"
            "[Timer]\n"
            "OnCalendar=hourly\n"
            "Persistent=true\n"
            "AccuracySec=1min\n\n"
            "[Install]\n"
            "WantedBy=timers.target\n"
        )

    def cron_line(self) -> str:
        """A crontab line (`%` means a new line there, so it is escaped)."""
        parts = [f"{k}={shlex.quote(v)}" for k, v in self.environment.items()]
        parts += [shlex.quote(a) for a in self.command]
        return "0 * * * * " + " ".join(parts).replace("%", "\\%")


def schedule_for(vault: Path, config_dir: Path) -> Schedule:
    """The hourly run for this device and vault; a `FollowupError` when the passphrase would
    have to be typed (a timer has nobody to type it)."""
    environment = {"FOLLOWUP_CONFIG_DIR": str(config_dir)}
    for key in PASSPHRASE_SOURCES:
        value = os.environ.get(key, "").strip()
        if value:
            environment[key] = value
            break
    else:
        raise FollowupError(
            "the hourly reminder must unlock the vault without you: set "
            "FOLLOWUP_PASSWORD_COMMAND (e.g. 'secret-tool lookup application followup-tui', "
            "or 'pass show followup') and run remind --install again; see the README."
        )
    return Schedule((followup_command(), "--vault", str(vault), "remind"), environment)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _systemctl(*args: str) -> tuple[bool, str]:
    """Run `systemctl --user ARGS`; (worked, what it said when it did not)."""
    systemctl = shutil.which("systemctl")
    if systemctl is None:
        return False, "systemctl is not installed"
    try:
        done = subprocess.run(
            [systemctl, "--user", *args], capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return False, one_line(exc)
    lines = (done.stderr or done.stdout or "").strip().splitlines()
    return done.returncode == 0, one_line(lines[0]) if lines else f"exit status {done.returncode}"


def _recorded_units(config_dir: Path) -> dict[str, str]:
    """What an earlier `--install` from this config dir wrote ({path: sha256}); nothing when
    it wrote nothing or its note cannot be read."""
    try:
        data = json.loads(read_capped(config_dir / RECORD, MAX_SMALL_FILE_BYTES).decode("utf-8"))
        return {str(k): str(v) for k, v in dict(data["units"]).items()}
    except (OSError, ValueError, TypeError, KeyError):
        return {}


def _refuse_to_overwrite(units: dict[Path, bytes], recorded: dict[str, str]) -> None:
    """A unit file already there is written over only when it is what this config dir wrote
    (unchanged since) or what it would write now: a file the user edited, or another config
    dir's timer (another vault on this account), is theirs to keep."""
    for path, data in units.items():
        try:
            present = path.read_bytes()
        except FileNotFoundError:
            continue
        except OSError as exc:
            raise FollowupError(f"{path}: cannot read it ({exc.strerror or exc}).") from None
        if present == data or recorded.get(str(path)) == _sha(present):
            continue
        why = (
            "it changed since remind --install wrote it"
            if str(path) in recorded
            else "it was not written from this config dir"
        )
        raise FollowupError(
            f"{path}: {why}; nothing was written. Move it away (or run remind --uninstall "
            "from the config dir that installed it) and run remind --install again."
        )


def install(schedule: Schedule, config_dir: Path) -> list[str]:
    """Set the hourly run up; returns what to tell the user, line by line."""
    enable = f"systemctl --user daemon-reload && systemctl --user enable --now {UNIT}.timer"
    if shutil.which("systemctl") is None:
        return [
            "No systemd here: add this line to your crontab (crontab -e) to be reminded hourly:",
            schedule.cron_line(),
        ]
    folder = units_dir()
    units = {
        folder / f"{UNIT}.service": schedule.service().encode("utf-8"),
        folder / f"{UNIT}.timer": schedule.timer().encode("utf-8"),
    }
    _refuse_to_overwrite(units, _recorded_units(config_dir))
    # The note of what is installed comes first: `--uninstall` then finds whatever did get
    # written, even if a write below fails half-way.
    ensure_folder(config_dir)
    noted = {"units": {str(path): _sha(data) for path, data in units.items()}}
    atomic_write(config_dir / RECORD, (json.dumps(noted, indent=1) + "\n").encode("utf-8"))
    ensure_folder(folder)
    for path, data in units.items():
        atomic_write(path, data, mode=0o644)
    told = [f"Wrote {folder / (UNIT + '.service')} and {UNIT}.timer beside it."]
    reloaded, said = _systemctl("daemon-reload")
    if reloaded:
        enabled, said = _systemctl("enable", "--now", f"{UNIT}.timer")
        if enabled:
            return [*told, f"Enabled: remind runs every hour ({UNIT}.timer)."]
    return [
        *told,
        f"No systemd user manager answers ({said}). Enable the timer from a session that has "
        f"one: {enable}",
        "Or, without systemd, add this line to your crontab (crontab -e):",
        schedule.cron_line(),
    ]


def uninstall(config_dir: Path) -> list[str]:
    """Undo `install`: stop the timer, remove the files it wrote (unless changed since: those
    stay, and stay named in the record). A file this config dir did not write is never
    removed, even one with our name."""
    record = config_dir / RECORD
    try:
        data = json.loads(read_capped(record, MAX_SMALL_FILE_BYTES).decode("utf-8"))
        units = {str(k): str(v) for k, v in dict(data["units"]).items()}
    except FileNotFoundError:
        found = [p for p in (units_dir() / f"{UNIT}.service", units_dir() / f"{UNIT}.timer")]
        if any(p.exists() for p in found):  # another config dir's, or a copy: not ours
            return [
                f"Nothing to uninstall from this device; {UNIT}.timer in {units_dir()} was not "
                "installed from this config dir: remove it yourself if it is yours."
            ]
        return [
            "Nothing to uninstall: remind --install set nothing up on this device "
            "(a crontab line you added stays until you remove it with crontab -e)."
        ]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise FollowupError(
            f"{record}: cannot read it ({one_line(exc)}); nothing removed."
        ) from None
    told: list[str] = []
    kept: dict[str, str] = {}
    stopped, said = _systemctl("disable", "--now", f"{UNIT}.timer")
    if not stopped and shutil.which("systemctl"):
        told.append(f"systemctl --user disable did not answer ({said}); removing the files.")
    for name, digest in units.items():
        path = Path(name)
        try:
            if not path.exists():
                continue
            if _sha(path.read_bytes()) != digest:
                told.append(f"Left {path} in place: it changed since it was installed.")
                kept[name] = digest
                continue
            path.unlink()
            told.append(f"Removed {path}.")
        except OSError as exc:
            raise FollowupError(f"{path}: cannot remove it ({exc.strerror or exc}).") from None
    try:
        if kept:  # still ours to name next time
            atomic_write(record, (json.dumps({"units": kept}, indent=1) + "\n").encode("utf-8"))
        else:
            record.unlink(missing_ok=True)
    except OSError as exc:
        raise FollowupError(f"{record}: cannot remove it ({exc.strerror or exc}).") from None
    _systemctl("daemon-reload")
    return told or ["Nothing left to remove."]
