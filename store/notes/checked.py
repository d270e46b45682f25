"""Template files this device has already checked, remembered by content, so that the board and
every command start without YAML's parser, Jinja2 or a trial render for a file that read well
before.

Checking a template (parse its YAML, compile subject and body, render them once on the sample
card) costs a few milliseconds a file, and importing Jinja2 some 50 ms more: at 1,000 cards
more than the rest of `due`, and on the board's launch path before the first paint. What a
check finds depends only on the file's bytes, its name, whether it is a built-in default, and
the code that checks it; the key hashes all of them (the code as the source files of
`store/notes/`, `store/cards/` and Jinja2's version), so an edited file, another Jinja2 or a
newer app checks again. Only files that passed are kept: a broken one is checked afresh every
time and says its error as before. A template taken from here is compiled when it first
renders a note.

Kept in this device's config dir (`checked-templates.json`), never in the vault; the parsed
keys are the user's own templates, plaintext already in the synced folder, kept readable only
by the user. An entry is kept only when its keys read back from JSON exactly as YAML gave them.
A file here that cannot be read, or is not what this module writes, is passed over (every
template is checked as if it were new); writing it may fail without stopping anything.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.config import config_dir
from store.remembered import Remembered

FILE = "checked-templates.json"
FORMAT = 2  # 2: kept through `store.remembered` (a file of format 1 is passed over)
MAX_ENTRIES = 64  # the oldest go first: a vault holds a few dozen templates at most
_HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Checked:
    """What a good file's check found that building its `Template` needs again."""

    data: dict[str, Any]
    lines: dict[str, int]


def _code_key() -> bytes | None:
    """The code a check runs, as one hash: this package's rules, the card vocabulary and the
    text rules they read, and the versions of the libraries that parse and compile (each
    `__init__` names its version), found without importing them. None (nothing remembered)
    when the sources are not there to hash: an install of compiled files only."""
    digest = hashlib.sha256(f"followup-checked-templates {FORMAT}\n".encode())
    store = _HERE.parent
    sources = sorted(_HERE.glob("*.py")) + sorted((store / "cards").glob("*.py"))
    if len(sources) < 10:
        return None
    sources += [store / "language.py", store / "untrusted.py", store / "yaml_problems.py"]
    for library in ("jinja2", "yaml", "markupsafe"):
        spec = importlib.util.find_spec(library)
        if spec is not None and spec.origin:
            sources.append(Path(spec.origin))
    for source in sources:
        digest.update(source.name.encode() + b"\0")
        try:
            digest.update(source.read_bytes())
        except OSError:
            digest.update(b"unreadable")
    return digest.digest()


class CheckedTemplates:
    """The remembered checks in one config dir (kept through `store.remembered`)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Each key hashes the checking code itself (`key`): the file's stamp only names it.
        self._kept = Remembered(path, [f"followup-checked-templates {FORMAT}"], MAX_ENTRIES)
        self._code: bytes | None = None
        self._code_known = False

    def key(self, name: str, builtin: bool, text: str) -> str:
        """ "" when nothing can be remembered here (no sources to hash)."""
        if not self._code_known:
            self._code, self._code_known = _code_key(), True
        if self._code is None:
            return ""
        digest = hashlib.sha256(self._code)
        digest.update(f"\0{name}\0{int(builtin)}\0".encode())
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def get(self, key: str) -> Checked | None:
        """What a check of the file under `key` found, when the entry is one `add` writes."""
        entry = self._kept.get(key) if key else None
        if not (isinstance(entry, dict) and isinstance(entry.get("data"), dict)):
            return None
        lines = entry.get("lines")
        if not isinstance(lines, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in lines.values()
        ):
            return None
        return Checked(entry["data"], dict(lines))

    def add(self, key: str, data: dict[str, Any], lines: dict[str, int]) -> None:
        """Remember a file that passed, if its keys survive JSON exactly (a YAML date, a
        float or a non-text key may not: such a file is simply checked each time)."""
        if key:
            self._kept.add(key, {"data": data, "lines": dict(lines)})

    def save(self) -> None:
        """Write what was added since the last save (best effort)."""
        self._kept.save()


_known: dict[Path, CheckedTemplates] = {}
_known_lock = threading.Lock()


def checked_templates() -> CheckedTemplates:
    """The remembered checks of the config dir in use (one object per dir, per process)."""
    path = config_dir() / FILE
    with _known_lock:
        found = _known.get(path)
        if found is None:
            found = _known[path] = CheckedTemplates(path)
        return found
