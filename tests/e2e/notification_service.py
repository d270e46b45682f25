"""A small `org.freedesktop.Notifications` service for the tests: the desktop's notification
server, as far as `followup-tui remind` can tell.

`python notification_service.py RECORD -- COMMAND…` (run inside `dbus-run-session`) takes the
name on the session bus, runs COMMAND, answers its calls while it runs (capabilities, server
information, Notify) and appends each notification to RECORD as one JSON line; it exits with
COMMAND's status. Never run outside a private test bus: it would stand in for the real one.
"""

from __future__ import annotations

import json
import subprocess
import sys

from jeepney import HeaderFields, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

NAME = "org.freedesktop.Notifications"


def main(argv: list[str]) -> int:
    record, command = argv[0], argv[argv.index("--") + 1 :]
    connection = open_dbus_connection(bus="SESSION")
    taken = connection.send_and_get_reply(message_bus.RequestName(NAME, 4), timeout=10)
    if taken.body[0] != 1:  # 1: we are the primary owner now
        print(f"could not take {NAME} on this bus", file=sys.stderr)
        return 3
    child = subprocess.Popen(command)
    sent = 0
    while True:
        try:
            message = connection.receive(timeout=0.05)
        except TimeoutError:
            if child.poll() is not None:
                return child.returncode
            continue
        header = message.header
        if header.message_type != MessageType.method_call:
            continue  # NameAcquired and other signals
        member = header.fields.get(HeaderFields.member)
        if member == "GetCapabilities":
            reply = new_method_return(message, "as", (["body", "body-markup"],))
        elif member == "GetServerInformation":
            reply = new_method_return(message, "ssss", ("test", "followup", "1", "1.2"))
        elif member == "Notify":
            sent += 1
            app, _, _, summary, body, _, hints, _ = message.body
            with open(record, "a", encoding="utf-8") as out:
                line = {
                    "app": app,
                    "summary": summary,
                    "body": body,
                    "urgency": hints["urgency"][1],
                }
                out.write(json.dumps(line) + "\n")
            reply = new_method_return(message, "u", (sent,))
        else:
            reply = new_error(message, "org.freedesktop.DBus.Error.UnknownMethod")
        connection.send(reply)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
