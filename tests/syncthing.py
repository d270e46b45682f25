"""Two real Syncthing daemons on loopback, and what a sync tool does to a folder, for tests and bench.

`SyncthingPair` follows `SYNCTHING.md`: each "laptop" has its own home (keys, config, database)
and its own copy of the vault folder; only A dials B; the daemons are started in their own
session with `STMONITORED=yes`, so the recorded PID is the daemon itself, and stopped by that
PID. Traffic stays on 127.0.0.1; discovery, relays, NAT, usage reports and upgrades are off.

`deliver_like_syncthing` and `deliver_in_chunks` replay how a file lands in a synced folder
(temp file renamed over a deleted original; a slow in-place write) without a daemon.

Never kill a process by name; never touch a daemon this module did not start.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FOLDER_ID = "followup-vault"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(
    condition: Callable[[], Any], timeout: float, what: str, interval: float = 0.05
) -> Any:
    """Poll `condition` until it returns something truthy; fail with `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = condition()
        except (OSError, ValueError, KeyError):
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


# --- what a sync tool does to a folder ------------------------------------------------------------


def deliver_like_syncthing(source: Path, target: Path) -> None:
    """Syncthing's way: write `.syncthing.NAME.tmp` whole, delete the old file, rename the temp."""
    temp = target.with_name(f".syncthing.{target.name}.tmp")
    temp.write_bytes(source.read_bytes())
    os.utime(temp, ns=(source.stat().st_atime_ns, source.stat().st_mtime_ns))
    with contextlib.suppress(FileNotFoundError):
        target.unlink()
    os.rename(temp, target)


def deliver_in_chunks(source: Path, target: Path, chunks: int = 6, pause: float = 0.15) -> None:
    """A slow tool writing in place: the file exists, growing, for `chunks * pause` seconds."""
    data = source.read_bytes()
    size = -(-len(data) // chunks)
    with target.open("wb") as handle:
        for start in range(0, len(data), size):
            handle.write(data[start : start + size])
            handle.flush()
            os.fsync(handle.fileno())
            time.sleep(pause)


# --- two daemons ------------------------------------------------------------------------------


@dataclass
class Daemon:
    name: str
    home: Path
    folder: Path
    gui_port: int = field(default_factory=free_port)
    listen_port: int = field(default_factory=free_port)
    apikey: str = field(default_factory=lambda: secrets.token_hex(16))
    device_id: str = ""
    process: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.home / "daemon.log"

    def api(self, method: str, path: str, body: Any = None, timeout: float = 30) -> Any:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.gui_port}{path}",
            method=method,
            headers={"X-API-Key": self.apikey, "Content-Type": "application/json"},
            data=None if body is None else json.dumps(body).encode(),
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
        return json.loads(raw) if raw.strip() else None

    def alive(self) -> bool:
        """A stopped daemon stays a zombie for a moment: look at /proc, not `kill -0`."""
        if self.process is None:
            return False
        if self.process.poll() is not None:
            return False
        try:
            return bool(Path(f"/proc/{self.process.pid}/cmdline").read_bytes())
        except OSError:
            return False


_DEVICE = """    <device id="{id}" name="{name}" compression="metadata" introducer="false" skipIntroductionRemovals="false" introducedBy="">
        <address>{address}</address>
        <paused>false</paused>
        <autoAcceptFolders>false</autoAcceptFolders>
    </device>
"""

_CONFIG = """<configuration version="36">
    <folder id="{folder_id}" label="followup" path="{path}" type="sendreceive" rescanIntervalS="60" fsWatcherEnabled="true" fsWatcherDelayS="1" ignorePerms="false" autoNormalize="true">
        <filesystemType>basic</filesystemType>
        <device id="{a}" introducedBy=""></device>
        <device id="{b}" introducedBy=""></device>
        <minDiskFree unit="%">0</minDiskFree>
        <versioning></versioning>
        <paused>false</paused>
        <markerName>.stfolder</markerName>
    </folder>
{devices}    <gui enabled="true" tls="false" debugging="false">
        <address>127.0.0.1:{gui_port}</address>
        <apikey>{apikey}</apikey>
        <theme>default</theme>
    </gui>
    <options>
        <listenAddress>tcp://127.0.0.1:{listen_port}</listenAddress>
        <globalAnnounceServer>-</globalAnnounceServer>
        <globalAnnounceEnabled>false</globalAnnounceEnabled>
        <localAnnounceEnabled>false</localAnnounceEnabled>
        <relaysEnabled>false</relaysEnabled>
        <natEnabled>false</natEnabled>
        <startBrowser>false</startBrowser>
        <urAccepted>-1</urAccepted>
        <autoUpgradeIntervalH>0</autoUpgradeIntervalH>
        <crashReportingEnabled>false</crashReportingEnabled>
        <stunServer>-</stunServer>
        <releasesURL>-</releasesURL>
        <announceLANAddresses>false</announceLANAddresses>
        <minHomeDiskFree unit="%">0</minHomeDiskFree>
    </options>
</configuration>
"""


class SyncthingPair:
    """Laptops A and B, each a Syncthing daemon sharing one folder (`FOLDER_ID`) over loopback."""

    def __init__(self, base: Path, folder_a: Path, folder_b: Path, binary: str = "syncthing"):
        self.binary = binary
        self.a = Daemon("a", Path(base) / "st-a", Path(folder_a))
        self.b = Daemon("b", Path(base) / "st-b", Path(folder_b))

    def __enter__(self) -> SyncthingPair:
        try:
            self.up()
        except BaseException:
            self.down()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.down()

    # --- start and stop -----------------------------------------------------------------------

    def _generate(self, daemon: Daemon) -> None:
        daemon.home.mkdir(parents=True, exist_ok=True)
        daemon.folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                self.binary,
                "generate",
                f"--home={daemon.home}",
                "--no-default-folder",
                "--skip-port-probing",
            ],
            check=True,
            capture_output=True,
            env=self._env(daemon),
        )
        done = subprocess.run(
            [self.binary, "serve", f"--home={daemon.home}", "--device-id"],
            check=True,
            capture_output=True,
            text=True,
            env=self._env(daemon),
        )
        daemon.device_id = done.stdout.strip()

    def _write_config(self, daemon: Daemon, peer: Daemon, dial: bool) -> None:
        # Only one side dials: when both do, 1.19 merges the two dials and stalls for ~20 s.
        devices = _DEVICE.format(id=daemon.device_id, name=daemon.name, address="dynamic")
        peer_address = f"tcp://127.0.0.1:{peer.listen_port}" if dial else "dynamic"
        devices += _DEVICE.format(id=peer.device_id, name=peer.name, address=peer_address)
        config = _CONFIG.format(
            folder_id=FOLDER_ID,
            path=daemon.folder,
            a=self.a.device_id,
            b=self.b.device_id,
            devices=devices,
            gui_port=daemon.gui_port,
            apikey=daemon.apikey,
            listen_port=daemon.listen_port,
        )
        (daemon.home / "config.xml").write_text(config)

    def _env(self, daemon: Daemon) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ST")}
        env.update(
            HOME=str(daemon.home / "home"),
            STMONITORED="yes",  # no monitor parent: the PID we keep is the daemon's
            STNOUPGRADE="1",
            STHASHING="minio",  # skips a ~1 s hashing benchmark at start
            STNODEFAULTFOLDER="1",
        )
        return env

    def _start(self, daemon: Daemon) -> None:
        (daemon.home / "home").mkdir(exist_ok=True)
        log = daemon.log.open("ab")
        daemon.process = subprocess.Popen(
            [
                self.binary,
                "serve",
                f"--home={daemon.home}",
                "--no-browser",
                "--no-restart",
                "--no-upgrade",
                "--no-default-folder",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self._env(daemon),
            start_new_session=True,
        )
        log.close()

    def up(self, timeout: float = 60) -> None:
        for daemon in (self.a, self.b):
            self._generate(daemon)
        self._write_config(self.a, self.b, dial=True)
        self._write_config(self.b, self.a, dial=False)
        self._start(self.b)
        self._start(self.a)
        for daemon in (self.a, self.b):
            wait_for(
                lambda d=daemon: d.api("GET", "/rest/system/ping").get("ping") == "pong",
                timeout,
                f"syncthing {daemon.name} to answer (log: {daemon.log})",
            )
        wait_for(self.connected, timeout, "the two daemons to connect")
        self.wait_in_sync(timeout)

    def down(self) -> None:
        for daemon in (self.a, self.b):
            if daemon.process is None:
                continue
            if daemon.alive():
                with contextlib.suppress(OSError, urllib.error.URLError, TimeoutError):
                    daemon.api("POST", "/rest/system/shutdown", timeout=5)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    daemon.process.wait(timeout=10)
            if daemon.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(daemon.process.pid, signal.SIGTERM)
                try:
                    daemon.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    os.kill(daemon.process.pid, signal.SIGKILL)
                    daemon.process.wait(timeout=10)
            daemon.process = None

    # --- state ----------------------------------------------------------------------------------

    def connected(self) -> bool:
        connections = self.a.api("GET", "/rest/system/connections")["connections"]
        return bool(connections.get(self.b.device_id, {}).get("connected"))

    def _settled(self, daemon: Daemon, peer: Daemon) -> bool:
        status = daemon.api("GET", f"/rest/db/status?folder={FOLDER_ID}")
        if status.get("state") != "idle" or status.get("needTotalItems") != 0:
            return False
        completion = daemon.api(
            "GET", f"/rest/db/completion?folder={FOLDER_ID}&device={peer.device_id}"
        )
        return completion.get("completion") == 100 and completion.get("needItems", 0) == 0

    def in_sync(self) -> bool:
        return self._settled(self.a, self.b) and self._settled(self.b, self.a)

    def scan(self) -> None:
        for daemon in (self.a, self.b):
            daemon.api("POST", f"/rest/db/scan?folder={FOLDER_ID}")

    def wait_in_sync(self, timeout: float = 60) -> None:
        """Scan both folders now (no 1 s watcher delay), then wait until both hold the same."""
        self.scan()
        # Two quiet polls in a row: a pull in progress may briefly look finished.
        wait_for(self.in_sync, timeout, "both folders to be in sync")
        time.sleep(0.1)
        self.scan()
        wait_for(self.in_sync, timeout, "both folders to be in sync")

    def set_paused(self, paused: bool) -> None:
        """Both laptops "offline": pause the folder on each (pausing devices hits a cool-down)."""
        for daemon in (self.a, self.b):
            daemon.api("PATCH", f"/rest/config/folders/{FOLDER_ID}", {"paused": paused})
        if not paused:
            wait_for(self.connected, 60, "the two daemons to reconnect")

    @contextlib.contextmanager
    def offline(self) -> Iterator[None]:
        self.set_paused(True)
        try:
            yield
        finally:
            self.set_paused(False)


def syncthing_binary() -> str | None:
    return shutil.which("syncthing")
