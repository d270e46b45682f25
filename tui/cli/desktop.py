"""Desktop notifications for `followup-tui remind`: the freedesktop service, macOS, or stdout.

On Linux and the BSDs a notification is one `org.freedesktop.Notifications.Notify` call on the
session bus (through `jeepney`, a small pure-Python D-Bus library: no daemon of ours, no C
build); on macOS it is `osascript`'s `display notification`. Where there is no desktop session
(no session bus, a server, cron without one) each reminder is one line on stdout, which cron
mails and the systemd journal keeps. A bus that is there but refuses (no notification service
running) is one line on stderr, and the reminders are printed instead: never lost.

Must never raise for a missing desktop (a fallback is the answer, not an error), never block
for long (each call has a timeout), and never send text a notification server would read as
markup unless it is escaped.
"""

from __future__ import annotations

import html
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from store.untrusted import one_line

APP_NAME = "followup-tui"
TIMEOUT = 5.0  # seconds for one call to the notification service


@dataclass(frozen=True)
class Notice:
    """One notification: a summary line and a body (plain text)."""

    summary: str
    body: str
    urgent: bool = False


class NoDesktop(Exception):
    """There is no notification service to talk to; the reason, in a few words."""


def session_bus_address() -> str | None:
    """The session bus: `$DBUS_SESSION_BUS_ADDRESS`, else the user's bus socket if one exists
    (`/run/user/UID/bus`: a cron job has no environment, but a logged-in user has the bus)."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "").strip()
    if address:
        return address
    runtime = os.environ.get("XDG_RUNTIME_DIR") or (
        f"/run/user/{os.getuid()}" if hasattr(os, "getuid") else ""
    )
    socket = Path(runtime) / "bus" if runtime else None
    try:
        if socket is not None and stat.S_ISSOCK(socket.stat().st_mode):
            return f"unix:path={socket}"
    except OSError:
        pass
    return None


class FreedesktopNotifier:
    """Notifications over D-Bus; one connection for a whole run."""

    def __init__(self, address: str) -> None:
        try:
            from jeepney.io.blocking import open_dbus_connection
        except ImportError as exc:  # pragma: no cover - a dependency on Linux
            raise NoDesktop(f"jeepney is not installed ({exc})") from None
        try:
            self._connection = open_dbus_connection(bus=address)
        except Exception as exc:  # a missing socket, a refused auth, a malformed address
            raise NoDesktop(
                f"cannot reach the session bus ({one_line(exc) or type(exc)})"
            ) from None
        try:
            self._markup = self._speaks_markup()
        except NoDesktop:
            self._connection.close()
            raise

    def _call(self, method: str, signature: str | None = None, body: tuple = ()) -> tuple:
        from jeepney import DBusAddress, DBusErrorResponse, new_method_call
        from jeepney.wrappers import unwrap_msg

        service = DBusAddress(
            "/org/freedesktop/Notifications",
            bus_name="org.freedesktop.Notifications",
            interface="org.freedesktop.Notifications",
        )
        message = new_method_call(service, method, signature, body)
        try:
            return tuple(unwrap_msg(self._connection.send_and_get_reply(message, timeout=TIMEOUT)))
        except DBusErrorResponse as exc:
            raise NoDesktop(f"no notification service answers ({exc.name})") from None
        except (TimeoutError, OSError, ConnectionError) as exc:
            raise NoDesktop(f"the notification service did not answer ({exc})") from None

    def _speaks_markup(self) -> bool:
        """Whether the server reads the body as markup (then `&` and `<` must be escaped)."""
        capabilities = self._call("GetCapabilities")
        return bool(capabilities) and "body-markup" in capabilities[0]

    def send(self, notice: Notice) -> None:
        body = html.escape(notice.body, quote=False) if self._markup else notice.body
        hints = {"urgency": ("y", 2 if notice.urgent else 1)}
        self._call(
            "Notify",
            "susssasa{sv}i",
            (APP_NAME, 0, "", notice.summary, body, [], hints, -1),
        )

    def close(self) -> None:
        self._connection.close()


class MacNotifier:
    """`display notification` through osascript; the texts go as arguments, never as code."""

    def __init__(self, osascript: str) -> None:
        self.osascript = osascript

    def send(self, notice: Notice) -> None:
        script = [
            "on run argv",
            "display notification (item 2 of argv) with title (item 1 of argv)",
            "end run",
        ]
        command = [self.osascript]
        for line in script:
            command += ["-e", line]
        try:
            subprocess.run(
                [*command, notice.summary, notice.body],
                capture_output=True,
                timeout=TIMEOUT * 2,
                check=True,
            )
        except (OSError, subprocess.SubprocessError) as exc:
            raise NoDesktop(f"osascript failed ({one_line(exc)})") from None

    def close(self) -> None:
        return None


def desktop_notifier() -> FreedesktopNotifier | MacNotifier:
    """The way this machine shows notifications; `NoDesktop` when it has none."""
    if sys.platform == "darwin":
        osascript = shutil.which("osascript")
        if osascript is None:
            raise NoDesktop("osascript is not on PATH")
        return MacNotifier(osascript)
    if sys.platform.startswith("win"):
        raise NoDesktop("no desktop notifications on Windows yet")
    address = session_bus_address()
    if address is None:
        raise NoDesktop("no session bus")
    return FreedesktopNotifier(address)


def deliver(
    notices: list[tuple[Notice, str]],
    print_line: Callable[[str], None],
    warn: Callable[[str], None],
) -> str:
    """Show each notice on the desktop, or print its line (the `str` beside it) where there
    is no desktop. Returns how they went: "desktop" or "printed" (all or some of them).

    No session bus at all is the ordinary case of a server or cron: lines, silently. A bus
    that refuses is said once on stderr, and the rest are printed.
    """
    if not notices:
        return "desktop"
    try:
        notifier = desktop_notifier()
    except NoDesktop as exc:
        if str(exc) != "no session bus":
            warn(f"no desktop notifications ({exc}); printing the reminders instead.")
        for _, line in notices:
            print_line(line)
        return "printed"
    try:
        for index, (notice, _) in enumerate(notices):
            try:
                notifier.send(notice)
            except NoDesktop as exc:
                warn(f"no desktop notifications ({exc}); printing the reminders instead.")
                for _, line in notices[index:]:
                    print_line(line)
                return "printed"
    finally:
        notifier.close()
    return "desktop"
