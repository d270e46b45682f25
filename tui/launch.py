"""The board's launch path: which vault it opens, its key derived while the app loads, and the
single place a vault becomes a session.

`followup-tui` calls `unlock_in_advance` first thing, before it imports the app or a command's
code; the app does the same when it is started directly (`FollowupApp(vault=…).run()`). When
the environment holds the passphrase, a thread then derives the key (Argon2id lets go of Python
while it works, so the imports run beside it on the other core) and, for the board, opens the
session and reads the note templates too: by the time Textual has loaded, the board is ready to
paint. The app asks `board_vault` whether to show the first run or the unlock screen, and takes
what was opened in advance (`take_unlock_in_advance`); the CLI's commands take the key
(`take_unlocked_vault`). Screens open the vault with `set_up_vault` or `unlock_session` (on a
worker thread) when nothing was opened in advance.

Must never import Textual (it runs before Textual is loaded, and for every command), never
import `tui.cli` (the CLI imports this, not the reverse), never keep, log or write a
passphrase, and import at module level only what finding the vault needs (a command's start-up
is mostly imports).
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from store.errors import FollowupError
from store.places import CONFIG_FILE, config_dir, default_vault_dir
from store.untrusted import MAX_SMALL_FILE_BYTES, read_capped
from store.vault.crypto import HEADER_NAME, Vault, prepare_unlock, prepare_unwrap
from store.vault.passphrase import passphrase_from_env

if TYPE_CHECKING:
    from store.config import Config
    from store.notes.templates import TemplateSet
    from store.vault.session import Session
    from tui.opened import OpenedVault


def open_unlocked(vault: Vault, config: Config) -> Session:
    """The single place a vault becomes a session; the sync layer adds conflict copies."""
    from sync.folder import open_session as open_with_sync

    return open_with_sync(vault, config)


def tilde(path: Path, home: Path | None = None) -> str:
    """A path as a person writes it: `~/Sync/followup` rather than `/home/ann/Sync/followup`."""
    home = home or Path.home()
    try:
        return "~/" + str(Path(path).relative_to(home)) if Path(path) != home else "~"
    except ValueError:
        return str(path)


# --- which vault --------------------------------------------------------------------------------


def board_vault(explicit: Path | None, config: Config) -> tuple[Path | None, bool]:
    """The vault the board opens, and whether it can be unlocked (else: the first-run screen).

    A device that never opened a vault gets named first, even on a synced folder.
    """
    path = explicit or (Path(config.vault).expanduser() if config.vault else None)
    if path is None and (default_vault_dir() / HEADER_NAME).exists():
        path = default_vault_dir()
    ready = path is not None and (path / HEADER_NAME).exists() and bool(config.vault)
    return path, ready


def given_folder(text: str) -> Path:
    """The folder `--vault` names, made absolute. A name that cannot be followed (a loop of
    symbolic links) is one line: `FollowupError`, as a missing vault is."""
    try:
        return Path(text).expanduser().resolve()
    except (OSError, RuntimeError):  # (3.11 raises RuntimeError for a loop)
        raise FollowupError(f"--vault {text}: cannot follow it (a loop of links).") from None


def command_vault(explicit: str | None, config: Config) -> Path | None:
    """The vault a command opens (as `tui.cli.context.vault_path` finds it), or None."""
    if explicit:
        return given_folder(explicit)
    if config.vault:
        return Path(config.vault).expanduser()
    default = default_vault_dir()
    return default if (default / HEADER_NAME).exists() else None


# --- opening it (on a worker thread) ----------------------------------------------------------------


def set_up_vault(
    path: Path, passphrase: str, device_name: str, config: Config, create: bool
) -> Session:
    """First run: create or open the vault, remember it and this device's name."""
    from store.vault.collector import long_lived_objects

    vault = Vault.create(path, passphrase) if create else Vault.unlock(path, passphrase)
    if create:
        from store.notes.templates import install_defaults

        install_defaults(path)  # the default note templates, to edit and sync with the rest
    config.vault = str(path)
    config.device_name = device_name
    config.save()
    with long_lived_objects():
        session = open_unlocked(vault, config)
    session.persist_if_changed()
    return session


def unlock_session(
    path: Path, passphrase: str, config: Config, advance: UnlockInAdvance | None = None
) -> Session:
    """Unlock the vault and open this device's session on it.

    `advance` is the same unlock started before the app loaded (`followup-tui` does that when
    the environment holds the passphrase): its key, or its error, is taken instead.
    """
    from store.vault.collector import long_lived_objects

    vault = advance.vault() if advance is not None else Vault.unlock(path, passphrase)
    if config.vault != str(path):
        config.vault = str(path)
        config.save()
    with long_lived_objects():
        return open_unlocked(vault, config)


# --- work done beside the imports ---------------------------------------------------------------


class UnlockInAdvance:
    """The vault's key derived, and for the board its session opened, on a thread, while the
    app's code is still loading.

    Argon2id takes a good part of a second by design and lets go of Python while it works;
    importing Textual takes about as long and needs Python. When the passphrase comes from the
    environment (FOLLOWUP_PASSWORD_FILE or FOLLOWUP_PASSWORD_COMMAND) both now run at once. The
    unlock screen takes the passphrase, or the error reading it gave, from here, so a password
    command runs once, as it did. `config` is the one the app and the command go on with: the
    session opened here belongs to it.
    """

    def __init__(
        self,
        path: Path,
        passphrase: str | None,
        error: FollowupError | None,
        config: Config | None = None,
        open_board: bool = False,
        kept: Vault | None = None,
        config_later: bool = False,
    ) -> None:
        self.path = path
        self.passphrase = passphrase
        self.error = error
        self.config = config
        self._open_board = open_board and (config is not None or config_later)
        # The config the board's session opens with: given now, or while the key derives
        # (`give_config`), which the thread waits for once it has the key.
        self._config_given = threading.Event()
        if not (config_later and config is None):
            self._config_given.set()
        self._vault: Vault | None = kept
        self.kept = kept is not None  # opened with the key `followup-tui unlock` kept
        self._opened: OpenedVault | None = None
        self._templates_seen: tuple[tuple[str, int, int], ...] | None = None
        self._failure: BaseException | None = None
        self._thread: threading.Thread | None = None
        if passphrase is not None or (kept is not None and self._open_board):
            if passphrase is not None:
                with contextlib.suppress(Exception):  # (the thread meets it again and says it)
                    prepare_unlock()  # so the derive starts the moment the thread does
            self._thread = threading.Thread(
                target=self._unlock, name="followup-unlock", daemon=True
            )
            self._thread.start()
            with contextlib.suppress(Exception):  # (the thread meets it again and says it)
                prepare_unwrap()  # here, while Argon2id runs: the thread finds it loaded

    @property
    def config_given(self) -> bool:
        return self._config_given.is_set()

    def give_config(self, config: Config | None) -> None:
        """The config loaded while the key derived (`config_later`): the board's session opens
        with it. None: it is not opened here (the app opens it, as when only the key was
        derived in advance)."""
        if config is None:
            self._open_board = False
        else:
            self.config = config
        self._config_given.set()

    @property
    def unlocking(self) -> bool:
        """A key is being derived, or was kept by `followup-tui unlock`: no passphrase to ask."""
        return self.passphrase is not None or self._vault is not None

    def _unlock(self) -> None:
        try:
            if self._vault is None:
                assert self.passphrase is not None
                self._vault = Vault.unlock(self.path, self.passphrase)
            if self._open_board and not self._config_given.wait(CONFIG_AT_MOST):
                self._open_board = False  # (never happens: the app opens it, the usual way)
            if self._open_board:
                self._opened = self._open(self._vault)
        except BaseException as exc:  # handed to whoever takes the vault, as Vault.unlock raises
            self._failure = exc

    def _open(self, vault: Vault) -> OpenedVault:
        """The session and its templates, as the unlock screen would open them."""
        from store.notes.templates import TemplateSet
        from store.vault.collector import long_lived_objects

        config = self.config
        assert config is not None
        if config.vault != str(self.path):
            config.vault = str(self.path)
            config.save()
        with long_lived_objects():
            session = open_unlocked(vault, config)
        self._templates_seen = _folder_signature(vault.templates_dir)
        try:
            templates: TemplateSet | None = TemplateSet.for_vault(vault.path)
        except Exception:
            templates = None  # read again where it is needed: the error shows there
        if _folder_signature(vault.templates_dir) != self._templates_seen:
            templates = None
        from tui.opened import OpenedVault

        return OpenedVault(session, templates)

    @property
    def done(self) -> bool:
        return self._thread is None or not self._thread.is_alive()

    def vault(self) -> Vault:
        """The unlocked vault (waits for the key), or what `Vault.unlock` raised."""
        if self._thread is None:
            if self._vault is not None:
                return self._vault  # kept by `unlock`: nothing was derived
            raise RuntimeError("no passphrase was given in advance")
        self._thread.join()
        if self._vault is None:
            assert self._failure is not None
            raise self._failure
        return self._vault

    def opened(self) -> OpenedVault | None:
        """The session opened in advance (waits for it), what opening it raised, or None when
        this advance only derived the key."""
        vault = self.vault()
        if self._failure is not None:
            raise self._failure
        if self._opened is None or self._opened.session.vault is not vault:
            return None
        if (
            self._opened.templates is not None
            and _folder_signature(vault.templates_dir) != self._templates_seen
        ):
            return OpenedVault(self._opened.session)  # edited since: read them again
        return self._opened


_in_advance: UnlockInAdvance | None = None
# How long the board's session waits on its thread for the config loaded beside the derive.
CONFIG_AT_MOST = 30.0


def unlock_in_advance(
    explicit_vault: str | None, command: bool = False, config: Config | None = None
) -> None:
    """Start unlocking the vault now, if the environment holds the passphrase: for the board
    (its session and templates too), or for a command (`command`: only the key).

    Never raises: whatever is wrong (a bad config, no vault yet) is left to the app or the
    command, which says it as it always did.
    """
    if _in_advance is not None:
        return
    if command and config is None and _begin_for_command(explicit_vault):
        return
    if not command and config is None and _begin_for_board(explicit_vault):
        return
    from store.config import Config

    try:
        config = config or Config.load()
        if command:
            path, ready = command_vault(explicit_vault, config), True
        else:
            explicit = given_folder(explicit_vault) if explicit_vault else None
            path, ready = board_vault(explicit, config)
    except (FollowupError, OSError, ValueError):
        return
    if ready and path is not None:
        _begin(path, config, open_board=not command)


def _begin(
    path: Path,
    config: Config | None,
    open_board: bool,
    config_later: bool = False,
    read: UnlockInAdvance | None = None,
) -> bool:
    """Begin the unlock of the vault at `path`: with the key `followup-tui unlock` kept, else
    with the passphrase from the environment (none there: nothing begins, it is asked later).
    False when the vault cannot be read: the command or the app says why, as it always did.
    `config_later`: the board's config is given once loaded (`UnlockInAdvance.give_config`).
    `read`: an unlock begun for another vault, whose passphrase (or the error reading it) is
    taken instead of reading it again (a password command runs once; a pipe reads once)."""
    global _in_advance
    try:
        header = Vault.read_header(path)
        kept = Vault.from_kept_key(path, header)  # no Argon2id at all
    except (FollowupError, OSError, ValueError):
        return False
    if kept is not None:
        _in_advance = UnlockInAdvance(
            path, None, None, config, open_board, kept=kept, config_later=config_later
        )
        return True
    try:
        if read is not None and not read.kept:
            passphrase = read.passphrase
            if read.error is not None:
                raise read.error
        else:
            passphrase = passphrase_from_env()
    except FollowupError as exc:
        _in_advance = UnlockInAdvance(path, None, exc, config)
        return True
    if passphrase is not None:
        _in_advance = UnlockInAdvance(
            path, passphrase, None, config, open_board, config_later=config_later
        )
    return True


# A `vault:` line as this app writes it: an absolute path, nothing YAML would read otherwise.
_PLAIN_VAULT = re.compile(r"^vault:[ \t]*((?:/|~/)[\w./~+-]*)[ \t]*$", re.MULTILINE)


def _begin_for_command(explicit_vault: str | None) -> bool:
    """The key derived for a command's vault as early as can be: found from `--vault`, or from
    the `vault:` line of config.yaml read as text, without loading YAML or the config (about
    30 ms sooner: a command at 1,000 cards waits on little else). False when that is unsure
    (no such line, a value written some other way): the config is loaded as usual. A guess
    that is wrong costs nothing: the command takes the key only for the vault it opens."""
    try:
        path = given_folder(explicit_vault) if explicit_vault else _plain_vault_line()
    except FollowupError:
        return False  # (the command says it)
    return path is not None and _begin(path, None, open_board=False)


def _plain_vault_line() -> Path | None:
    """The vault config.yaml names on a `vault:` line as this app writes it, read as text;
    None when there is no such line, or more than one, or the file cannot be read so."""
    try:
        raw = read_capped(config_dir() / CONFIG_FILE, MAX_SMALL_FILE_BYTES)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None  # (a FIFO or a link out is refused by the config load too)
    found = _PLAIN_VAULT.findall(text)
    return Path(found[0]).expanduser() if len(found) == 1 else None


def _begin_for_board(explicit_vault: str | None) -> bool:
    """The board's key derived as early as a command's: the vault found as `board_vault` finds
    it, from `--vault` or config.yaml's `vault:` line read as text (a device that never opened
    a vault has none: the first run), and the config loaded while Argon2id runs. Loaded first,
    it delayed the derive by 25-35 ms (YAML's memory, `dataclasses`, `socket`). The session
    opens on the thread with that config (`_with_config`). False when the text is unsure, or
    the passphrase comes from a command (which may ask, as a pinentry does: not before the
    config is known to load, as before): the config is loaded first.

    A config that does not load is said by the app as always; the passphrase file was read by
    then, and the key derived for nothing."""
    if not os.environ.get("FOLLOWUP_PASSWORD_FILE") and os.environ.get("FOLLOWUP_PASSWORD_COMMAND"):
        return False
    named = _plain_vault_line()
    if named is None:
        return False
    try:
        path = given_folder(explicit_vault) if explicit_vault else named
        if not (path / HEADER_NAME).exists():  # (raises for a name too long, a folder shut)
            return False
    except (FollowupError, OSError, ValueError):
        return False
    if not _begin(path, None, open_board=True, config_later=True):
        return False
    advance = _in_advance
    if advance is not None:  # (None: no passphrase in the environment; the app asks)
        try:
            _with_config(advance, explicit_vault)
        finally:
            if not advance.config_given:
                advance.give_config(None)  # whatever went wrong: nothing waits for it
    return True


def _with_config(advance: UnlockInAdvance, explicit_vault: str | None) -> None:
    """Load the config beside the derive begun for the board and give it to the thread; when
    it names another vault than the line read as text (a second `vault:` key YAML reads last,
    a quoted value), begin anew for that one, with the passphrase already read."""
    global _in_advance
    from store.config import Config

    try:
        config = Config.load()
        explicit = given_folder(explicit_vault) if explicit_vault else None
        found, ready = board_vault(explicit, config)
    except (FollowupError, OSError, ValueError):
        advance.give_config(None)  # the app loads it again and says what is wrong
        return
    if (found, ready) == (advance.path, True):
        advance.give_config(config)
        return
    advance.give_config(None)  # the key derived for the line's vault opens nothing
    _in_advance = None
    if ready and found is not None:
        _begin(found, config, open_board=True, read=advance)


def advance_config() -> Config | None:
    """The config the unlock begun in advance loaded (the app goes on with that one)."""
    return _in_advance.config if _in_advance is not None else None


def take_unlock_in_advance(path: Path) -> UnlockInAdvance | None:
    """The unlock started for `path` before the app loaded (once), or None."""
    global _in_advance
    advance, _in_advance = _in_advance, None
    return advance if advance is not None and advance.path == path else None


# --- the collector, paused from the board's first imports to its first screen ---------------------

_resume_collector: Callable[[], None] | None = None


def pause_collector_for_start() -> Callable[[], None]:
    """Pause the cyclic garbage collector from now until the app's first screen is on the
    terminal (`collector_after_start`), or the callable given back is called (the app ended
    first). Textual's imports, the app's mount and its first frame make their objects in
    bursts, nearly all of them kept for the app's life, yet each burst set the collector
    walking all of them: some 180 collections, 35-70 ms of the start on a quiet machine."""
    global _resume_collector
    from store.vault.collector import paused_until_resumed

    _resume_collector = paused_until_resumed()
    return _resume_collector


def collector_after_start() -> None:
    """The first screen is on the terminal: the collector runs again (once; any thread).

    What the start made (modules, Textual's classes, the first screen) lives as long as the
    app, and all of it waits in the youngest generation: resumed as it is, the collector's
    next passes walk it whole, twice, in the middle of whatever comes next (after a typed
    passphrase, the board's build: 130 ms more at 10,000 cards). Frozen first, it is never
    walked, as the board is once it is open (`FollowupApp.session_opened`)."""
    global _resume_collector
    resume, _resume_collector = _resume_collector, None
    if resume is not None:
        gc.freeze()
        resume()


def forget_unlock_in_advance() -> None:
    """Drop an unlock begun for a command that ended before taking it."""
    global _in_advance
    _in_advance = None


def take_unlocked_vault(path: Path, kept: bool = True) -> Vault | None:
    """For a command: the vault unlocked in advance at `path` (waits for the key; raises what
    unlocking raised), or None when nothing was begun for it (`kept=False`: or when it was
    opened with a kept key, not the passphrase)."""
    advance = take_unlock_in_advance(path)
    if advance is None or (advance.kept and not kept):
        return None
    if advance.error is not None:
        raise advance.error
    return advance.vault()


def _folder_signature(folder: Path) -> tuple[tuple[str, int, int], ...] | None:
    """What the templates folder holds, cheaply: a name, size and mtime per entry."""
    try:
        with os.scandir(folder) as entries:
            return tuple(sorted((e.name, e.stat().st_size, e.stat().st_mtime_ns) for e in entries))
    except OSError:
        return None


class TemplatesLoading:
    """The vault's note templates, read on a thread while the vault unlocks.

    Reading and compiling them (Jinja, YAML) took a good part of the time before the board
    showed; Argon2id lets go of Python while it works, so they now come for free beside it.
    `result` gives them only if the folder still holds what was read, else None (the caller
    reads it again, as it always did).
    """

    def __init__(self, vault_path: Path) -> None:
        self.folder = Path(vault_path) / "templates"
        self._signature = _folder_signature(self.folder)
        self._templates: TemplateSet | None = None
        self._thread = threading.Thread(target=self._load, name="followup-templates", daemon=True)
        self._thread.start()

    def _load(self) -> None:
        from store.notes.templates import TemplateSet

        try:
            self._templates = TemplateSet.for_vault(self.folder.parent)
        except Exception:
            self._templates = None  # read again where it is needed: the error shows there

    def result(self, vault_path: Path) -> TemplateSet | None:
        if Path(vault_path) / "templates" != self.folder:
            return None
        self._thread.join()
        if self._templates is None or _folder_signature(self.folder) != self._signature:
            return None
        return self._templates
