"""This device's settings: its id and name, the last vault, theme, the note-writer's profile,
and how dates are written and read (`locale`, `date_order`).

Also how this device hands letters and dates on (README, "Mail, clipboard and calendar"):
`mail_command` (with `mail_command_sends` / `mail_command_waits` when the guess from the
program's name is wrong), `calendar_file` and `calendar_alarm`. They are kept as the user wrote
them and read where they are used, so a typo in one of them is one clear line there and never
stops the app from opening. Keys this version does not know are kept as they are on every save.

Kept as YAML in the user config dir (platformdirs), or in `$FOLLOWUP_CONFIG_DIR`, which tests
use to run two "laptops" on one machine. Never in the synced folder: it names this device.

Beside it, `config-read.json` remembers what YAML read from it (`store.remembered`): the board
and every command read the config first, and a start that finds its text there never imports
PyYAML (20-30 ms of a start that is a few hundred).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store import ids
from store.errors import FollowupError
from store.files import atomic_write, ensure_folder
from store.language import DATE_ORDER_WORDS, LOCALE_NAME, chosen_locale, reading_order
from store.places import APP_NAME as APP_NAME  # re-exported: where things are
from store.places import CONFIG_FILE as CONFIG_FILE
from store.places import config_dir as config_dir
from store.places import default_vault_dir as default_vault_dir
from store.remembered import Remembered, code_stamp
from store.untrusted import MAX_SMALL_FILE_BYTES, read_capped

if TYPE_CHECKING:
    from store.cards.dates import DateOrder

# The keys `Config` reads; any other key in the file is kept as it is (`Config.extra`).
KNOWN_KEYS: frozenset[str] = frozenset(
    {
        "device_id",
        "device_name",
        "vault",
        "theme",
        "profile",
        "keymap",
        "mail_command",
        "mail_command_sends",
        "mail_command_waits",
        "calendar_file",
        "machine",
        "calendar_alarm",
        "locale",
        "date_order",
    }
)
DEVICE_ID = re.compile(r"[0-9a-f]{12}")  # what `new_device_id` makes; it names a replica file


def new_device_id() -> str:
    return ids.random_hex(6)


def machine_id() -> str | None:
    """An id of this machine, hashed, or None where there is none to read.

    Kept in the config beside the device id: a config dir that finds itself on another machine
    (a restored home, a migrated laptop) was copied, and the copy must become a new device, or
    two machines would write one replica. Linux's machine id (systemd, D-Bus) is read; it is
    stored only as a hash, since it is meant to stay private. `FOLLOWUP_MACHINE_ID` replaces it
    (tests run two "machines" on one).
    """
    raw = os.environ.get("FOLLOWUP_MACHINE_ID")
    if not raw:
        for candidate in ("/etc/machine-id", "/var/lib/dbus/machine-id"):
            with contextlib.suppress(OSError, UnicodeDecodeError):
                raw = read_capped(candidate, 4096).decode("ascii").strip()
                if raw:
                    break
    if not raw:
        return None
    return hashlib.sha256(f"followup-tui machine {raw}".encode()).hexdigest()[:16]


def _read_settings(path: Path, fresh: bool = False) -> dict[str, Any]:
    """The settings in `path`; `fresh`: read by YAML even when they were remembered (what
    decides to write the file must never rest on anything but the file itself)."""
    try:
        raw = read_capped(path, MAX_SMALL_FILE_BYTES)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise FollowupError(f"{path}: cannot read it ({exc.strerror or exc}).") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FollowupError(f"{path}: not UTF-8 text; fix or remove it.") from None
    # One text kept: the config as it is now (an older one will not be read again).
    remembered = Remembered(path.with_name(READ_FILE), code_stamp("yaml"), most=1)
    found = None if fresh else remembered.get(text)
    if isinstance(found, dict):
        return found
    import yaml

    from store.yaml_problems import yaml_problem

    try:
        loaded = _load_yaml(text)
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        where = f", line {line}" if line else ""
        raise FollowupError(f"{path}{where}: not valid YAML ({problem}); fix it.") from None
    except RecursionError:
        raise FollowupError(f"{path}: nested too deeply; fix or remove it.") from None
    if loaded is not None and not isinstance(loaded, dict):
        raise FollowupError(f"{path}: expected a mapping of settings.")
    settings = loaded or {}
    remembered.add(text, settings)
    remembered.save()
    return settings


def _load_yaml(text: str) -> Any:
    """libyaml's parser when PyYAML has it (every command reads the config, some of them
    twice); a file it refuses is read again by the pure-Python one, whose error names the line."""
    import yaml

    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        with contextlib.suppress(yaml.YAMLError, RecursionError):
            return yaml.load(text, Loader=fast)  # libyaml's *safe* loader
    return yaml.safe_load(text)


READ_FILE = "config-read.json"  # what YAML read from config.yaml (store.remembered)


def _optional_text(data: dict[str, Any], key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise FollowupError(f"{path}: {key} should be text, not {type(value).__name__}.")


def _handoff_flag(data: dict[str, Any], key: str) -> bool | str | None:
    """true / false; anything else is kept as written and refused where it is used (the mail
    hand-off says so), so a typo there never stops the app from opening."""
    value = data.get(key)
    return value if value is None or isinstance(value, bool) else str(value)


def _handoff_words(data: dict[str, Any], key: str) -> str | None:
    """A hand-off setting as text (`calendar_alarm: 1h`, `0`, `off`), checked where used."""
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    if value is False:  # `calendar_alarm: off` reads as false in YAML
        return "off"
    return str(value)


def _choice(data: dict[str, Any], key: str, path: Path, check: Any, hint: str) -> str | None:
    value = _optional_text(data, key, path)
    if value is None or not value.strip():
        return None
    if not check(value.strip()):
        raise FollowupError(f"{path}: {key} {value!r} is not {hint}; fix or remove the line.")
    return value.strip()


def _settings_map(data: dict[str, Any], key: str, path: Path) -> dict[str, str]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise FollowupError(f"{path}: {key} should be a mapping of names to values.")
    return {str(k): str(v) for k, v in value.items()}


@dataclass
class Config:
    device_id: str
    device_name: str
    vault: str | None = None
    theme: str | None = None
    profile: dict[str, str] = field(default_factory=dict)
    keymap: dict[str, str] = field(default_factory=dict)
    mail_command: str | None = None  # e.g. "neomutt -H {file}"; None: a mailto: link
    mail_command_sends: bool | str | None = None  # None: guessed from the program (msmtp sends)
    mail_command_waits: bool | str | None = None  # None: guessed (a terminal client: waited for)
    calendar_file: str | None = None  # an .ics file kept current with the due notes
    calendar_alarm: str | None = None  # the alarms' lead, e.g. "1h"; "off": no alarms
    extra: dict[str, Any] = field(default_factory=dict)  # keys of a newer version, kept
    # The language days are written in (None: the environment's), and whether 03/04/2026 is
    # read day first ("dmy") or month first ("mdy"; None: as the locale writes dates).
    locale: str | None = None
    date_order: str | None = None
    path: Path = field(default_factory=lambda: config_dir() / CONFIG_FILE)
    machine: str | None = None  # the `machine_id()` this config was last used on
    machine_saved: bool = field(default=False, compare=False, repr=False)  # in the file yet?

    @property
    def copied_from_another_machine(self) -> bool:
        """True when this config was last used on another machine (so it is a copy)."""
        here = machine_id()
        return bool(self.machine and here and self.machine != here)

    @property
    def dir(self) -> Path:
        return self.path.parent

    def lock_path(self, vault_id: str) -> Path:
        return self.dir / "locks" / f"{vault_id}.lock"

    @classmethod
    def load(cls) -> Config:
        path = config_dir() / CONFIG_FILE
        data = _read_settings(path)
        if not data.get("device_id"):
            data = _read_settings(path, fresh=True)  # about to be written: the file itself
        device_id = data.get("device_id")
        if device_id and not (isinstance(device_id, str) and DEVICE_ID.fullmatch(device_id)):
            # It names our replica file: anything else could write outside `replicas/`.
            raise FollowupError(
                f"{path}: device_id {device_id!r} is not a device id (12 hex digits); "
                "restore it, or remove the line to join the vault as a new device."
            )
        config = cls(
            device_id=str(device_id or new_device_id()),
            device_name=str(data.get("device_name") or socket.gethostname() or "this laptop"),
            vault=_optional_text(data, "vault", path),
            theme=_optional_text(data, "theme", path),
            profile=_settings_map(data, "profile", path),
            keymap=_settings_map(data, "keymap", path),
            mail_command=_handoff_words(data, "mail_command"),
            mail_command_sends=_handoff_flag(data, "mail_command_sends"),
            mail_command_waits=_handoff_flag(data, "mail_command_waits"),
            calendar_file=_handoff_words(data, "calendar_file"),
            calendar_alarm=_handoff_words(data, "calendar_alarm"),
            extra={k: v for k, v in data.items() if k not in KNOWN_KEYS},
            locale=_choice(
                data, "locale", path, LOCALE_NAME.fullmatch, "a locale name like de_DE or fr"
            ),
            date_order=_choice(
                data,
                "date_order",
                path,
                lambda v: v.lower() in DATE_ORDER_WORDS,
                "dmy (day first) or mdy (month first)",
            ),
            path=path,
            machine=_optional_text(data, "machine", path),
        )
        config.machine_saved = config.machine is not None
        if config.machine is None:
            config.machine = machine_id()  # a config from before machines were recorded
        if not data.get("device_id"):
            with _first_write(path):
                if _read_settings(path, fresh=True) != data:
                    return cls.load()  # another first command wrote it a moment ago: its id wins
                config.save()  # none yet, or a hand-made file without an id: give it ours
        return config

    @property
    def date_reading(self) -> DateOrder:
        """The `order` the date parser reads slashed dates with on this device."""
        return reading_order(self.date_order, self.locale)

    @property
    def language(self) -> str | None:
        """The locale days are written in (None: English, the app's own way)."""
        return chosen_locale(self.locale)

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def save(self) -> None:
        ensure_folder(self.path.parent, private=True)
        atomic_write(self.path, self._yaml())

    def _yaml(self) -> bytes:
        data: dict[str, Any] = {
            "device_id": self.device_id,
            "device_name": self.device_name,
            "vault": self.vault,
            "theme": self.theme,
            "profile": self.profile,
            "keymap": self.keymap,
        }
        if self.machine:
            data["machine"] = self.machine
            self.machine_saved = True
        handoff = {
            "mail_command": self.mail_command,
            "mail_command_sends": self.mail_command_sends,
            "mail_command_waits": self.mail_command_waits,
            "calendar_file": self.calendar_file,
            "calendar_alarm": self.calendar_alarm,
        }
        data.update({k: v for k, v in handoff.items() if v is not None})
        # Written only when set, so a config made before they existed keeps its shape.
        if self.locale:
            data["locale"] = self.locale
        if self.date_order:
            data["date_order"] = self.date_order
        data.update({k: v for k, v in self.extra.items() if k not in data})
        import yaml

        return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")


@contextlib.contextmanager
def _first_write(path: Path) -> Iterator[None]:
    """Hold the config dir's lock while the first device id is chosen and written.

    Two first commands at once (`add` in two shells of a new laptop) must agree on one device
    id, or one of them would write a replica under an id nobody keeps: the second, once it has
    the lock, finds the first one's file and takes its id. Checking for the file and writing it
    under one lock also covers a hand-made config.yaml without an id (there is no atomic
    create-if-absent for a file that already exists).
    """
    ensure_folder(path.parent, private=True)
    with open(path.parent / ".config.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
