"""This device's settings: its id and name, the last vault, theme, and the note-writer's profile.

Kept as YAML in the user config dir (platformdirs), or in `$FOLLOWUP_CONFIG_DIR`, which tests
use to run two "laptops" on one machine. Never in the synced folder: it names this device.
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from store.errors import FollowupError
from store.files import atomic_write

APP_NAME = "followup-tui"
CONFIG_FILE = "config.yaml"


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


@dataclass
class Config:
    device_id: str
    device_name: str
    vault: str | None = None
    theme: str | None = None
    profile: dict[str, str] = field(default_factory=dict)
    keymap: dict[str, str] = field(default_factory=dict)
    path: Path = field(default_factory=lambda: config_dir() / CONFIG_FILE)

    @property
    def dir(self) -> Path:
        return self.path.parent

    def lock_path(self, vault_id: str) -> Path:
        return self.dir / "locks" / f"{vault_id}.lock"

    @classmethod
    def load(cls) -> Config:
        path = config_dir() / CONFIG_FILE
        data: dict[str, Any] = {}
        if path.exists():
            try:
                loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                where = f", line {mark.line + 1}" if mark else ""
                raise FollowupError(f"{path}{where}: not valid YAML; fix or remove it.") from None
            except OSError as exc:
                raise FollowupError(f"{path}: cannot read it ({exc.strerror}).") from None
            if loaded is not None and not isinstance(loaded, dict):
                raise FollowupError(f"{path}: expected a mapping of settings.")
            data = loaded or {}
        config = cls(
            device_id=str(data.get("device_id") or new_device_id()),
            device_name=str(data.get("device_name") or socket.gethostname() or "this laptop"),
            vault=data.get("vault"),
            theme=data.get("theme"),
            profile={str(k): str(v) for k, v in (data.get("profile") or {}).items()},
            keymap={str(k): str(v) for k, v in (data.get("keymap") or {}).items()},
            path=path,
        )
        if not data.get("device_id"):
            config.save()
        return config

    @property
    def exists(self) -> bool:
        return self.path.exists()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "device_id": self.device_id,
            "device_name": self.device_name,
            "vault": self.vault,
            "theme": self.theme,
            "profile": self.profile,
            "keymap": self.keymap,
        }
        atomic_write(self.path, yaml.safe_dump(data, sort_keys=False).encode("utf-8"))
