"""Where this device keeps its config and, by default, its vault: the two folders every command
finds first, read here without YAML or anything else heavy, so that the launch path can find
the vault (and start deriving its key) before the rest of the code has loaded.

Paths only: never reads or writes a file.
"""

from __future__ import annotations

import os
from pathlib import Path

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
