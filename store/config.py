"""This device's settings: its id and name, the last vault, theme, the note-writer's profile,
and how dates are written and read (`locale`, `date_order`).

Kept as YAML in the user config dir (platformdirs), or in `$FOLLOWUP_CONFIG_DIR`, which tests
use to run two "laptops" on one machine. Never in the synced folder: it names this device.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from store.errors import FollowupError
from store.files import atomic_write, ensure_folder
from store.language import DATE_ORDER_WORDS, LOCALE_NAME, chosen_locale, reading_order
from store.untrusted import MAX_SMALL_FILE_BYTES, read_capped
from store.yaml_problems import yaml_problem

if TYPE_CHECKING:
    from store.cards.dates import DateOrder

APP_NAME = "followup-tui"
CONFIG_FILE = "config.yaml"
DEVICE_ID = re.compile(r"[0-9a-f]{12}")  # what `new_device_id` makes; it names a replica file


def config_dir() -> Path:
    override = os.environ.get("FOLLOWUP_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME))


def default_vault_dir() -> Path:
    override = os.environ.get("FOLLOWUP_DATA_DIR")
    if override:
        return Path(override).expanduser() / "vault"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME)) / "vault"


def new_device_id() -> str:
    return secrets.token_hex(6)


def _read_settings(path: Path) -> dict[str, Any]:
    try:
        raw = read_capped(path, MAX_SMALL_FILE_BYTES)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise FollowupError(f"{path}: cannot read it ({exc.strerror or exc}).") from None
    try:
        loaded = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise FollowupError(f"{path}: not UTF-8 text; fix or remove it.") from None
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        where = f", line {line}" if line else ""
        raise FollowupError(f"{path}{where}: not valid YAML ({problem}); fix it.") from None
    except RecursionError:
        raise FollowupError(f"{path}: nested too deeply; fix or remove it.") from None
    if loaded is not None and not isinstance(loaded, dict):
        raise FollowupError(f"{path}: expected a mapping of settings.")
    return loaded or {}


def _optional_text(data: dict[str, Any], key: str, path: Path) -> str | None:
    value = data.get(key)
    if value is None or isinstance(value, str):
        return value
    raise FollowupError(f"{path}: {key} should be text, not {type(value).__name__}.")


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
    # The language days are written in (None: the environment's), and whether 03/04/2026 is
    # read day first ("dmy") or month first ("mdy"; None: as the locale writes dates).
    locale: str | None = None
    date_order: str | None = None
    path: Path = field(default_factory=lambda: config_dir() / CONFIG_FILE)

    @property
    def dir(self) -> Path:
        return self.path.parent

    def lock_path(self, vault_id: str) -> Path:
        return self.dir / "locks" / f"{vault_id}.lock"

    @classmethod
    def load(cls) -> Config:
        path = config_dir() / CONFIG_FILE
        data = _read_settings(path)
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
        )
        if not data.get("device_id"):
            if data or path.exists():
                config.save()  # a hand-made file without an id: give it one
            elif not config._create():
                return cls.load()  # another first command made it a moment ago: its id wins
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

    def _create(self) -> bool:
        """Write the config only if there is none yet; False when another process made it first.

        Two first commands at once (`add` in two shells of a new laptop) must agree on one
        device id, or one of them would write a replica under an id nobody keeps.
        """
        ensure_folder(self.path.parent)
        temp = self.path.with_name(f".{self.path.name}.{new_device_id()}.new")
        atomic_write(temp, self._yaml())
        try:
            os.link(temp, self.path)  # fails if the file exists: create-if-absent, atomically
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links
            self.save()
        finally:
            with contextlib.suppress(OSError):
                temp.unlink()
        return True

    def save(self) -> None:
        ensure_folder(self.path.parent)
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
        # Written only when set, so a config made before they existed keeps its shape.
        if self.locale:
            data["locale"] = self.locale
        if self.date_order:
            data["date_order"] = self.date_order
        return yaml.safe_dump(data, sort_keys=False).encode("utf-8")
