"""Shared fixtures: real vaults in temp folders, and "laptops" (one config dir each).

Every test gets its own config dir and passphrase file through the environment, so nothing
touches the user's real config, and two laptops can share one vault folder.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PASSPHRASE = "correct horse battery staple"


def require_tool(name: str) -> str:
    """The path of a tool a test needs: skip without it, but fail in CI (CI=true)."""
    found = shutil.which(name)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{name} is required in CI but is not installed (.ci/run installs it)")
    pytest.skip(f"{name} is not installed")
    raise AssertionError  # unreachable


@dataclass
class Result:
    code: int
    out: str
    err: str


@dataclass
class Laptop:
    """One device: its config dir and passphrase file. `cli()` runs a command in-process."""

    name: str
    config_dir: Path
    password_file: Path
    vault: Path

    def env(self) -> dict[str, str]:
        return {
            "FOLLOWUP_CONFIG_DIR": str(self.config_dir),
            "FOLLOWUP_PASSWORD_FILE": str(self.password_file),
        }

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        saved = {k: os.environ.get(k) for k in (*self.env(), "FOLLOWUP_PASSWORD_COMMAND")}
        os.environ.update(self.env())
        os.environ.pop("FOLLOWUP_PASSWORD_COMMAND", None)
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def cli(self, *args: str) -> Result:
        from tui.cli import main

        out, err = io.StringIO(), io.StringIO()
        with self.active(), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main(["--vault", str(self.vault), *args])
            except SystemExit as exit_:
                code = int(exit_.code or 0)
        return Result(code, out.getvalue(), err.getvalue())

    def session(self):  # -> store.session.Session
        from store.config import Config
        from store.vault.crypto import Vault
        from store.vault.session import Session

        with self.active():
            config = Config.load()
            config.device_name = self.name
            config.save()
            return Session.open(Vault.unlock(self.vault, PASSPHRASE), config)


@pytest.fixture
def vault_dir(tmp_path: Path) -> Path:
    return tmp_path / "vault"


@pytest.fixture
def make_laptop(tmp_path: Path, vault_dir: Path, monkeypatch: pytest.MonkeyPatch):
    """`make_laptop("a")` → a Laptop on the shared vault folder (the first one creates it)."""
    monkeypatch.delenv("FOLLOWUP_PASSWORD_COMMAND", raising=False)
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE + "\n")

    def make(name: str, vault: Path | None = None) -> Laptop:
        laptop = Laptop(name, tmp_path / f"config-{name}", secret, vault or vault_dir)
        if not (laptop.vault / "vault.json").exists():
            result = laptop.cli("init", str(laptop.vault), "--device-name", name)
            assert result.code == 0, result.err
        return laptop

    return make


@pytest.fixture
def laptop(make_laptop) -> Laptop:
    """One laptop with a fresh vault, its env active for the whole test."""
    a = make_laptop("a")
    with a.active():
        yield a


@pytest.fixture
def terminal(tmp_path: Path):
    """A tmux server of our own (tests/terminal.py), killed after the test."""
    import secrets
    import subprocess

    from terminal import Terminal

    tmux = require_tool("tmux")
    term = Terminal(
        tmux, f"followup-test-{os.getpid()}-{secrets.token_hex(4)}", tmp_path / "exit-status"
    )
    try:
        yield term
    finally:
        subprocess.run([tmux, "-L", term.socket, "kill-server"], capture_output=True, timeout=30)
