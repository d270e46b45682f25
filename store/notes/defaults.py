"""The default templates that ship with the app, and the ones earlier versions shipped.

The defaults live as YAML files beside this module (`default_templates/`); a new vault gets a
copy of each (`store.notes.templates.install_defaults`). A vault's copy that is still, byte for
byte, a default an earlier version shipped was never edited: the current built-in is used in
its place, and `followup-tui templates --install` brings the file up to date.

Pure data and a hash; no file is written here.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

DEFAULTS_DIR = Path(__file__).parent / "default_templates"

# The sha256 of each default file an earlier version shipped. A vault's copy that still holds
# one byte for byte is an unedited older default: the current built-in is used instead (it
# reads well whatever fields are empty), and `templates --install` brings the file up to date.
# Add the old file's hash here whenever a default changes.
SUPERSEDED_DEFAULTS: dict[str, frozenset[str]] = {
    "continued-interest": frozenset(
        {"7a2761bbb0e3a825840538463c15a76e4678bbc60b4830bdc445d3c03025bcae"}
    ),
    "follow-up": frozenset({"adb22136a9687f2ae03fb1c092f804471a66863b9e7fae02b4937b9ef812a4cd"}),
    "follow-up-2": frozenset({"b387fee96f69710db59a6be94f404da16a50c3c592d14acd7c7acc5c7d6a08ca"}),
    "offer-reply": frozenset({"0d97e9e72b711dff2edf318464d9aea8b5ee6c323ca54dac7c5202e5d365a9fa"}),
    "rejection-reply": frozenset(
        {
            "9a88e2523678db6c77c6704b364e415b8cde4c4db861ad85016d03ec09dc248f",
            "5b41b92dbd96a727249731a10fa205c1021a5c7cf335a951970091ba394ff8c9",  # "Inc.."
        }
    ),
    "thank-you": frozenset(
        {
            "c2a196d13c8deb5d7d187095de2bed6b52bb87d8d2b01b058ca9ed7c64f6d0c9",
            "70eba53bf6ffe6e69235c30719795c439bd3ff324248942e1b7fb69c4b9228ae",  # "Inc.."
        }
    ),
}


def is_older_default(name: str, data: bytes) -> bool:
    """`data` is, byte for byte, a default `name` that an earlier version shipped."""
    return hashlib.sha256(data).hexdigest() in SUPERSEDED_DEFAULTS.get(name, frozenset())


def default_files() -> list[Path]:
    return sorted(p for p in DEFAULTS_DIR.iterdir() if p.suffix == ".yaml")
