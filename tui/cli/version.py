"""The installed version of followup-tui, for `--version`, `info` and bug reports.

Its own small module so the CLI's entry point can say it without loading any command (and
without importing a command module that imports the entry point back).
"""

from __future__ import annotations

from importlib import metadata


def version() -> str:
    try:
        return metadata.version("followup-tui")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"
