"""Note templates: YAML files in `<vault>/templates/`, edited by hand, reloaded live.

A template file (`thank-you.yaml`; the file name is the template's name) holds the stage it
serves, when it becomes due (`store.notes.due`), a subject and a body with placeholders
(`store.notes.render`). The defaults ship in `store/notes/default_templates/` and are copied into a new
vault by `install_defaults`, so they sync with the rest and the user can edit them; a vault
without a given template file still has the built-in one.

A malformed file (bad YAML, a missing or unknown key, an unknown stage, a bad due rule, a
template that does not render) is reported with its file name and line, and the last good
version of that template stays in use. Nothing here ever writes over or deletes a file the
user may have edited: `install_defaults` only creates files that do not exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store.cards.model import Card
from store.cards.stages import OUTCOMES, STAGES
from store.errors import FollowupError
from store.files import atomic_write, ensure_folder
from store.notes.checked import CheckedTemplates, checked_templates
from store.notes.defaults import DEFAULTS_DIR, default_files, is_older_default
from store.notes.due import (
    BadRule,
    DueRule,
    applies_to,
    card_items,
    parse_rules,
    stage_after_sending,
)
from store.notes.last_good import LastGood
from store.notes.last_good import for_vault as last_good_for
from store.notes.placeholders import SAMPLE_PROFILE, card_context, sample_card
from store.untrusted import read_capped
from store.yaml_problems import node_line, text_start, yaml_problem

if TYPE_CHECKING:  # Jinja2 loads when a template first renders a note, not when it is read
    import yaml  # (and YAML when a file not checked before is read)

    from store.notes.render import CompiledText

SUFFIXES = (".yaml", ".yml")
MAX_FILE = 64 * 1024
KEYS: tuple[str, ...] = (
    "kind",
    "title",
    "description",
    "stage",
    "outcome",
    "due",
    "moves_to",
    "subject",
    "body",
)
REQUIRED: tuple[str, ...] = ("stage", "subject", "body")
# A template is a letter, or the close rule: when a silent card asks to be closed as no
# answer (`close-no-answer.yaml`). A close rule has stages and a due rule (none: it never
# asks), and no text.
KINDS: tuple[str, ...] = ("letter", "close")
CLOSE_REQUIRED: tuple[str, ...] = ("stage",)
CLOSE_KEYS: frozenset[str] = frozenset({"kind", "title", "description", "stage", "due"})
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
# Copies a sync tool makes when two laptops edited a template at once: shown, never loaded.
_CONFLICT_COPY = re.compile(r"\.sync-conflict-\d{8}-\d{6}-[A-Z0-9]+$|\(.*conflicted copy.*\)")


class UnknownTemplate(FollowupError):
    pass


@dataclass(frozen=True)
class TemplateProblem:
    """Why a template file is not (or no longer) in use, and where to look."""

    path: Path
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path.parent.name}/{self.path.name}"
        return (
            f"{where}, line {self.line}: {self.message}"
            if self.line
            else f"{where}: {self.message}"
        )


class TemplateError(FollowupError):
    def __init__(self, problem: TemplateProblem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@dataclass(frozen=True)
class Note:
    """A rendered note, ready to preview, edit, copy or record as sent."""

    template: str
    subject: str
    body: str

    @property
    def text(self) -> str:
        """The whole note as one text: what the editor shows and the timeline keeps."""
        return f"Subject: {self.subject}\n\n{self.body}" if self.subject else self.body

    @classmethod
    def from_text(cls, template: str, text: str) -> Note:
        """Read a note back from an editor: a first `Subject:` line is the subject."""
        text = text.replace("\r\n", "\n")
        first, _, rest = text.partition("\n")
        if first.lower().startswith("subject:"):
            return cls(template, first[len("subject:") :].strip(), rest.lstrip("\n"))
        return cls(template, "", text)


@dataclass(frozen=True)
class Template:
    """One template as loaded and checked: what it serves, when it is due, its compiled text."""

    name: str
    title: str
    description: str
    stages: tuple[str, ...]
    outcomes: tuple[str, ...]
    due: tuple[DueRule, ...]
    moves_to: str | None
    subject: str
    body: str
    path: Path | None  # the vault file; None for a built-in default
    builtin: bool
    # Compiled when first needed (None until then): a file checked before (`store.notes.checked`)
    # is read without Jinja2.
    _subject: CompiledText | None = field(repr=False, compare=False)
    _body: CompiledText | None = field(repr=False, compare=False)
    _lines: dict[str, int] = field(repr=False, compare=False, default_factory=dict)
    kind: str = "letter"  # or "close": the close rule, which writes nothing

    def render(
        self,
        card: Card,
        profile: dict[str, str],
        now: datetime,
        tz: tzinfo | None,
        locale: str | None = None,
    ) -> Note:
        """The note for `card`, days written in `locale` (None: English); `TemplateError`
        names the file and line of any problem."""
        context = card_context(card, profile, now, tz, locale)
        subject = self._render("subject", context)
        body = self._render("body", context)
        return Note(self.name, " ".join(subject.split()), body.strip("\n") + "\n")

    def _compiled(self, key: str) -> CompiledText:
        from store.notes.render import NoteError, compile_text

        compiled: CompiledText | None = getattr(self, f"_{key}")
        if compiled is None:
            try:
                compiled = compile_text(getattr(self, key))
            except NoteError as exc:  # it compiled when checked: only another Jinja2 gets here
                line = self._lines.get(key, 0) + exc.line if exc.line else self._lines.get(key)
                raise TemplateError(
                    TemplateProblem(self.where, f"{key}: {exc.message}", line)
                ) from None
            object.__setattr__(self, f"_{key}", compiled)  # frozen: a cache, not a change
        return compiled

    def _render(self, key: str, context: dict[str, Any]) -> str:
        from store.notes.render import NoteError, render_text

        compiled = self._compiled(key)
        try:
            return render_text(compiled, context)
        except NoteError as exc:
            line = self._lines.get(key, 0) + exc.line if exc.line else self._lines.get(key)
            raise TemplateError(
                TemplateProblem(self.where, f"{key}: {exc.message}", line)
            ) from None

    @property
    def where(self) -> Path:
        return self.path if self.path is not None else DEFAULTS_DIR / f"{self.name}.yaml"

    @property
    def due_text(self) -> str:
        """When it falls due, in words ("" for a template that is never due by itself)."""
        return "; otherwise ".join(r.describe() for r in self.due)

    def next_stage(self, stage: str) -> str | None:
        return stage_after_sending(stage, self.moves_to)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "stage": list(self.stages),
            "outcome": list(self.outcomes),
            "due": [r.to_json() for r in self.due],
            "due_text": self.due_text,
            "moves_to": self.moves_to,
            "source": "built-in" if self.builtin else "vault",
            "kind": self.kind,
        }


# --- reading one file ---------------------------------------------------------------------------


def template_name(path: Path) -> str | None:
    """The template a file in the templates folder defines, or None if it is not one.

    Hidden and temp files (ours, Syncthing's `.syncthing.*.tmp` and `~syncthing~*`, editors'
    backups) are not templates; neither is anything without a .yaml/.yml suffix.
    """
    name = path.name
    if name.startswith((".", "~", "#")) or path.suffix not in SUFFIXES:
        return None
    return path.stem


def _names(
    value: Any, key: str, allowed: tuple[str, ...], line: int | None, path: Path
) -> tuple[str, ...]:
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(i, str) for i in items):
        raise TemplateError(
            TemplateProblem(path, f"{key} must be a name or a list of names.", line)
        )
    for item in items:
        if item not in allowed:
            raise TemplateError(
                TemplateProblem(
                    path, f"unknown {key} {item!r}; use one of: {', '.join(allowed)}.", line
                )
            )
    return tuple(items)


def parse_template(
    path: Path,
    text: str,
    builtin: bool = False,
    checked: CheckedTemplates | None = None,
) -> Template:
    """A template from a file's text; `TemplateError` says what is wrong and on which line.

    `checked`: this device's remembered checks (`store.notes.checked`); a text that passed
    before is built from them, with no YAML parse, compile or trial render.
    """
    name = template_name(path) or path.stem
    key = checked.key(name, builtin, text) if checked is not None else ""
    found = checked.get(key) if checked is not None else None
    if found is not None:
        try:
            return _build(path, name, found.data, found.lines, None, builtin)
        except TemplateError:
            pass  # it passed with this very code: check it afresh all the same
    if not _NAME.match(name):
        raise TemplateError(
            TemplateProblem(
                path, f"{name!r} is not a usable template name: use letters, digits, - and _."
            )
        )
    import yaml  # only for a file not checked before: a start with every file known skips it

    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line, problem = yaml_problem(exc)
        raise TemplateError(TemplateProblem(path, f"not valid YAML ({problem}).", line)) from None
    if not isinstance(data, dict):
        raise TemplateError(
            TemplateProblem(path, "expected keys like stage:, due:, subject: and body:.", 1)
        )
    lines = {key: text_start(root, key) for key in ("subject", "body")}
    template = _build(path, name, data, lines, root, builtin)
    if checked is not None:
        checked.add(key, data, lines)
    return template


def _build(
    path: Path,
    name: str,
    data: dict[Any, Any],
    lines: dict[str, int],
    root: yaml.Node | None,
    builtin: bool,
) -> Template:
    """The template a file's keys describe, checked; `root` (its YAML nodes) names the lines
    of problems. Without `root` the file passed before: nothing is compiled or tried now."""

    def fail(message: str, line: int | None = None) -> TemplateError:
        return TemplateError(TemplateProblem(path, message, line))

    def at(*keys: str | int) -> int | None:
        return node_line(root, *keys) if root is not None else None

    for key in data:
        if key not in KEYS:
            raise fail(f"unknown key {key!r}; keys are: {', '.join(KEYS)}.", at(key))
    kind = data.get("kind") or "letter"
    if kind not in KINDS:
        raise fail(f"kind must be letter or close, not {kind!r}.", at("kind"))
    if kind == "close":
        for key in sorted(set(map(str, data)) - CLOSE_KEYS):
            raise fail(f"a close rule writes no letter: remove {key}:.", at(key))
        data = {**data, "subject": "", "body": ""}
    for key in CLOSE_REQUIRED if kind == "close" else REQUIRED:
        if data.get(key) in (None, ""):
            raise fail(f"missing {key}:.", at(key) if key in data else 1)
    for key in ("title", "description", "subject", "body"):
        if key in data and not isinstance(data[key], str):
            raise fail(f"{key} must be text.", at(key))
    stages = _names(data["stage"], "stage", STAGES, at("stage"), path)
    if kind == "close" and "closed" in stages:
        raise fail("a close rule cannot watch closed cards.", at("stage"))
    outcomes: tuple[str, ...] = ()
    if data.get("outcome") is not None:
        outcomes = _names(data["outcome"], "outcome", OUTCOMES, at("outcome"), path)
    moves_to = data.get("moves_to")
    if moves_to is not None and moves_to not in (*STAGES, "stay"):
        raise fail(
            f"moves_to must be a stage ({', '.join(STAGES)}) or stay, not {moves_to!r}.",
            at("moves_to"),
        )
    try:
        due = parse_rules(data.get("due"))
    except BadRule as exc:
        raise fail(f"due: {exc}", at("due", *exc.where)) from None
    compiled: dict[str, CompiledText | None] = {"subject": None, "body": None}
    if root is not None:
        from store.notes.render import NoteError, compile_text

        for key in ("subject", "body"):
            try:
                compiled[key] = compile_text(data[key])
            except NoteError as exc:
                line = lines[key] + exc.line if exc.line else at(key)
                raise fail(f"{key}: {exc.message}", line) from None
    template = Template(
        name=name,
        title=str(data.get("title") or ("Close as no answer?" if kind == "close" else name)),
        description=str(data.get("description") or ""),
        stages=stages,
        outcomes=outcomes,
        due=due,
        moves_to=moves_to,
        subject=data["subject"],
        body=data["body"],
        path=None if builtin else path,
        builtin=builtin,
        _subject=compiled["subject"],
        _body=compiled["body"],
        _lines=lines,
        kind=kind,
    )
    if kind == "close" or root is None:
        return template
    # A trial run on a full example card finds misspelt fields before a real note needs them.
    template.render(sample_card(), SAMPLE_PROFILE, sample_card().interviewed_at, None)  # type: ignore[arg-type]
    return template


def read_template_file(path: Path) -> bytes:
    """A template file's bytes; `TemplateError` when it cannot be read or is too big.

    A template is plaintext in a synced folder that anyone with the folder can change: a link
    in it pointing out of the folder (at `~/.ssh/id_rsa`, say) is refused, or a note, an error
    message or a backup would carry that file's text; a FIFO or a device is never read.
    """
    try:
        if path.is_symlink() and not path.resolve().is_relative_to(path.parent.resolve()):
            raise TemplateError(
                TemplateProblem(path, "links to a file outside the templates folder; not read.")
            )
        size = path.stat().st_size
        if size > MAX_FILE:
            raise TemplateError(
                TemplateProblem(path, f"too big for a note template ({size:,} bytes).")
            )
        return read_capped(path, MAX_FILE)
    except OSError as exc:
        raise TemplateError(
            TemplateProblem(path, f"cannot read it ({exc.strerror or exc}).")
        ) from None


def load_template(
    path: Path,
    builtin: bool = False,
    data: bytes | None = None,
    checked: CheckedTemplates | None = None,
) -> Template:
    raw = read_template_file(path) if data is None else data
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise TemplateError(TemplateProblem(path, "not UTF-8 text.")) from None
    return parse_template(path, text, builtin=builtin, checked=checked)


# --- the defaults ---------------------------------------------------------------------------------


def install_defaults(
    vault_path: Path, links: list[Path] | None = None, refresh: bool = False
) -> list[Path]:
    """Copy the default templates into `<vault>/templates/`; return the files written.

    Called when a vault is created (`followup-tui init`) and by `followup-tui templates
    --install` (`refresh`: also bring up to date each file that is still, byte for byte, an
    older default). A file the user edited is never touched, so their edit always wins; nor is
    a link, even one pointing nowhere (it is added to `links`): the app never writes through one.
    """
    folder = Path(vault_path) / "templates"
    ensure_folder(folder, private=True)
    written = []
    for source in default_files():
        target = folder / source.name
        if target.is_symlink() or target.with_suffix(".yml").is_symlink():
            if links is not None:
                links.append(target)
            continue
        if target.exists() or target.with_suffix(".yml").exists():
            if not (refresh and target.is_file() and not target.is_symlink()):
                continue
            try:
                current = read_template_file(target)
            except TemplateError:
                continue
            if not is_older_default(source.stem, current):
                continue
        atomic_write(target, source.read_bytes(), mode=0o644)
        written.append(target)
    return written


# --- the set in use -------------------------------------------------------------------------------


class TemplateSet:
    """Every template in use: the vault's files over the built-in defaults.

    `reload(path)` is what the folder watcher calls for one changed file; `reload_all()` reads
    the whole folder again. A file that fails keeps its last good version (or the built-in one)
    in use and its problem in `errors`. `version` bumps whenever the set in use changes.
    """

    def __init__(
        self,
        folder: Path | None,
        builtin: bool = True,
        last_good: LastGood | None = None,
        checked: CheckedTemplates | None = None,
        remember: bool = True,
    ) -> None:
        self.folder = Path(folder) if folder is not None else None
        # This device's copies of each file's last good version: a file broken when this set
        # is made is answered with its copy, as the board answers one broken while it runs.
        self.last_good = last_good
        # The files this device checked before (`store.notes.checked`); `remember`: keep the
        # checks of new ones too.
        self.checked = checked
        self.remember = remember
        self.builtin: dict[str, Template] = {}
        self.files: dict[str, Template] = {}
        self.errors: dict[Path, TemplateProblem] = {}
        self.older_defaults: set[Path] = set()  # unedited copies of an older default
        self.version = 0
        self._read: dict[Path, bytes] = {}  # what each file held when last read
        self._all: tuple[int, list[Template]] = (-1, [])
        if builtin:
            for path in default_files():
                template = load_template(path, builtin=True, checked=self.checked)
                self.builtin[template.name] = template
        self.reload_all()

    def _keep_checks(self) -> None:
        if self.checked is not None and self.remember:
            self.checked.save()

    @classmethod
    def for_vault(cls, vault_path: Path, remember: bool = True) -> TemplateSet:
        """The vault's templates, with this device's last good copies (`remember`: keep new
        ones; False only reads them, for `doctor`, which never writes)."""
        return cls(
            Path(vault_path) / "templates",
            last_good=last_good_for(vault_path, remember),
            checked=checked_templates(),
            remember=remember,
        )

    # --- reading the folder ---------------------------------------------------------------------

    def _candidates(self) -> list[Path]:
        if self.folder is None:
            return []
        try:
            return sorted(p for p in self.folder.iterdir() if p.is_file())
        except (FileNotFoundError, NotADirectoryError):
            return []
        except OSError as exc:
            self.errors[self.folder] = TemplateProblem(
                self.folder, f"cannot list it ({exc.strerror or exc})."
            )
            return []

    def reload_all(self) -> set[str]:
        """Read every file again; return the names whose template in use changed."""
        changed: set[str] = set()
        seen: set[Path] = set()
        for path in self._candidates():
            seen.add(path)
            name = self._reload(path)
            if name:
                changed.add(name)
        for name, template in list(self.files.items()):
            gone = template.path is not None and template.path not in seen
            if gone and self._reload(template.path):  # type: ignore[arg-type]
                changed.add(name)
        for path in list(self.errors):
            if path not in seen and path != self.folder:
                del self.errors[path]
                self.version += 1
        self._keep_checks()
        return changed

    def reload(self, path: Path) -> str | None:
        """Take in one file's current content (or its removal); return the template's name
        when the template in use changed, None otherwise (also for files that are not ours)."""
        changed = self._reload(Path(path))
        self._keep_checks()
        return changed

    def _reload(self, path: Path) -> str | None:
        name = template_name(path)
        if name is None:
            return None
        if _CONFLICT_COPY.search(name):
            if path.exists():
                self._set_error(
                    TemplateProblem(
                        path,
                        "a copy the sync tool made when two laptops edited a template at "
                        "once; merge what you want into the original, then delete this copy.",
                    )
                )
            else:
                self._clear_error(path)
            return None
        if not path.exists():
            self._clear_error(path)
            self._read.pop(path, None)
            self.older_defaults.discard(path)
            current = self.files.get(name)
            if current is not None and current.path == path:
                del self.files[name]
                self.version += 1
                return name
            return None
        try:
            data = read_template_file(path)
        except TemplateError as exc:
            if not path.exists():  # gone between the check and the read: next event says so
                return None
            self._set_error(exc.problem)
            return None
        if self._read.get(path) == data:
            return None  # unchanged since it was last read (good or bad)
        self._read[path] = data
        self.older_defaults.discard(path)
        if name in self.builtin and is_older_default(name, data):
            self._clear_error(path)
            self.older_defaults.add(path)
            current = self.files.pop(name, None)  # the built-in reads better: use it
            if current is not None:
                self.version += 1
                return name
            return None
        try:
            template = load_template(path, data=data, checked=self.checked)
        except TemplateError as exc:
            self._set_error(exc.problem)
            return self._recall(name, path)
        self._clear_error(path)
        if self.last_good is not None:
            self.last_good.remember(name, data)
        old = self.files.get(name)
        if old is not None and old.path != path and old.path is not None and old.path.exists():
            self._set_error(
                TemplateProblem(path, f"{old.path.name} already defines {name!r}; keep one.")
            )
            return None
        if old == template:
            return None
        self.files[name] = template
        self.version += 1
        return name

    def _recall(self, name: str, path: Path) -> str | None:
        """`path` is broken and nothing good of it is in use yet (a fresh start): take this
        device's copy of its last good version, if one was kept and still reads."""
        current = self.files.get(name)
        if self.last_good is None or (current is not None and current.path == path):
            return None  # the version in use is already the last good one
        data = self.last_good.recall(name)
        if data is None:
            return None
        try:
            template = load_template(path, data=data, checked=self.checked)
        except TemplateError:
            return None  # kept by an older app, and no longer good: the built-in one stands
        self.files[name] = template
        self.version += 1
        return name

    def in_use(self, path: Path) -> str:
        """What stands in for the broken file at `path`, in words for the error line."""
        name = template_name(Path(path))
        current = self.files.get(name or "")
        if current is not None and current.path == Path(path):
            return "its last good version is in use"
        if name in self.builtin:
            return "the built-in one is in use"
        return "it is not in use until it is fixed"

    def _set_error(self, problem: TemplateProblem) -> None:
        if self.errors.get(problem.path) != problem:
            self.errors[problem.path] = problem
            self.version += 1

    def _clear_error(self, path: Path) -> None:
        if self.errors.pop(path, None) is not None:
            self.version += 1

    # --- using it -------------------------------------------------------------------------------

    def _merged(self) -> dict[str, Template]:
        merged = dict(self.builtin)
        merged.update(self.files)
        return merged

    def everything(self) -> list[Template]:
        """Every file in use, letters and close rules, in the order a user meets them (cached
        per version): what the due lists read."""
        version, cached = self._all
        if version != self.version:
            cached = sorted(self._merged().values(), key=_order)
            self._all = (self.version, cached)
        return list(cached)

    def all(self) -> list[Template]:
        """Every letter template in use (what compose offers), in the order a user meets them."""
        return [t for t in self.everything() if t.kind == "letter"]

    def close_rules(self) -> list[Template]:
        """The rules that suggest closing a silent card (`kind: close`)."""
        return [t for t in self.everything() if t.kind == "close"]

    def __iter__(self) -> Iterator[Template]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self.all())

    def names(self) -> list[str]:
        return [t.name for t in self.all()]

    def get(self, name: str) -> Template:
        found = self._merged().get(name)
        if found is not None and found.kind == "close":
            raise UnknownTemplate(
                f"{name!r} is the rule that suggests closing silent cards, not a letter; "
                f"templates are: {', '.join(self.names()) or 'none'}."
            )
        if found is None:
            raise UnknownTemplate(
                f"No template {name!r}; templates are: {', '.join(self.names()) or 'none'}."
            )
        return found

    def problems(self) -> list[TemplateProblem]:
        return sorted(self.errors.values(), key=lambda p: str(p.path))

    def for_card(self, card: Card, now: datetime, tz: tzinfo | None) -> list[Template]:
        """Every template, the suggested ones first: what is due on the card (most urgent
        first), then those serving its stage, then the rest."""
        templates = self.all()
        due = [item.template for item in card_items(card, templates, now, tz)]
        rank = {name: i for i, name in enumerate(due)}

        def key(t: Template) -> tuple[int, int, tuple[int, int, float, str]]:
            if t.name in rank:
                return (0, rank[t.name], _order(t))
            return (1 if applies_to(t, card) else 2, 0, _order(t))

        return sorted(templates, key=key)

    def suggested(self, card: Card, now: datetime, tz: tzinfo | None) -> Template | None:
        ordered = self.for_card(card, now, tz)
        return ordered[0] if ordered else None


def _order(template: Template) -> tuple[int, int, float, str]:
    """The order a user meets them in: by the stages they serve, then how late they fall due."""
    stages = [STAGES.index(s) for s in template.stages]
    hours = [r.amount * {"hours": 1, "days": 24, "weeks": 168}[r.unit] for r in template.due]
    return (min(stages), max(stages), min(hours, default=float("inf")), template.name)
