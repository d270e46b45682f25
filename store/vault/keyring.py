"""Staying unlocked: a vault's data key kept in Linux's kernel keyring for a while, so that the
board, every command and `remind` open the vault without Argon2id (a quarter of a second and
64 MiB each time, by design) and without asking for the passphrase.

Off until the user runs `followup-tui unlock [--for 8h]`; `followup-tui lock` forgets the key,
and so does the kernel when the time is up or the machine restarts. The key is kept in the
user's keyring (`@u`): readable by every process of this user on this machine, by no other
user, and never written to a disk (the kernel keeps keys in unswappable memory). That is the
trade-off the README states: while unlocked, a program running as you can read your cards
without knowing the passphrase, as it could while the board is open.

What is kept is the vault's current data key beside a hash of its header (`vault.json`): a
header changed since (a new passphrase, on this laptop or another) no longer matches, and the
passphrase is asked again. Nothing here raises for a keyring that is not there (another
system, a container that forbids it): `recall` finds nothing, `keep` says why in one line.

Talks to the kernel with its three system calls through ctypes: no helper program, no
library that may be missing.
"""

from __future__ import annotations

import contextlib
import errno
import os
import struct
import sys
from typing import Any

from store.errors import FollowupError

# System call numbers of add_key(2) and keyctl(2), by machine.
_SYSCALLS: dict[str, tuple[int, int]] = {
    "x86_64": (248, 250),
    "aarch64": (217, 219),
    "arm64": (217, 219),
    "i386": (286, 288),
    "i686": (286, 288),
    "ppc64le": (269, 271),
    "s390x": (278, 280),
    "riscv64": (217, 219),
}
_MACHINES_64 = frozenset({"x86_64", "aarch64", "arm64", "ppc64le", "s390x", "riscv64"})
_USER_KEYRING = -4  # KEY_SPEC_USER_KEYRING
_KEYCTL_UNLINK = 9
_KEYCTL_SETPERM = 5
_KEYCTL_SEARCH = 10
_KEYCTL_READ = 11
_KEYCTL_SET_TIMEOUT = 15
# The possessor may do anything; this user's other processes may see, read and find it (and
# `lock` unlinks it from the user's keyring, which is theirs). No one else may do anything.
_PERMISSIONS = 0x3F000000 | 0x00010000 | 0x00020000 | 0x00080000
_MAGIC = b"followup-tui key 1\n"
_HASH = 32
_KEY = 32
MAX_SECONDS = 30 * 24 * 3600


class KeyringUnavailable(FollowupError):
    """This machine's kernel keyring cannot keep the key (said by `unlock`)."""


def _digest(binding: bytes) -> bytes:
    import hashlib  # (here: every command looks for a kept key before its derive starts)

    return hashlib.sha256(b"followup-tui header\n" + binding).digest()


def _description(vault_id: str) -> bytes:
    return f"followup-tui:{vault_id}".encode()


class _Kernel:
    def __init__(self) -> None:
        # The kernel's machine names the system call numbers; a 32-bit Python on a 64-bit
        # kernel would need other ones: no keyring for it.
        machine = os.uname().machine.lower() if sys.platform == "linux" else ""
        bits64 = struct.calcsize("P") == 8
        numbers = _SYSCALLS.get(machine) if bits64 == (machine in _MACHINES_64) else None
        self.numbers = numbers
        self._libc: Any = None
        if numbers is not None:
            try:
                self._libc = ctypes.CDLL(None, use_errno=True)
                self._libc.syscall.restype = ctypes.c_long
            except OSError:
                self.numbers = None

    def _call(self, number: int, *args: Any) -> int:
        ctypes.set_errno(0)
        result = int(self._libc.syscall(ctypes.c_long(number), *args))
        if result < 0:
            code = ctypes.get_errno()
            raise OSError(code, os.strerror(code))
        return result

    def add(self, description: bytes, payload: bytes) -> int:
        assert self.numbers is not None
        return self._call(
            self.numbers[0],
            ctypes.c_char_p(b"user"),
            ctypes.c_char_p(description),
            ctypes.c_char_p(payload),
            ctypes.c_size_t(len(payload)),
            ctypes.c_int(_USER_KEYRING),
        )

    def keyctl(self, operation: int, *args: Any) -> int:
        assert self.numbers is not None
        return self._call(self.numbers[1], ctypes.c_int(operation), *args)

    def search(self, description: bytes) -> int | None:
        try:
            return self.keyctl(
                _KEYCTL_SEARCH,
                ctypes.c_int(_USER_KEYRING),
                ctypes.c_char_p(b"user"),
                ctypes.c_char_p(description),
                ctypes.c_int(0),
            )
        except OSError as exc:
            if exc.errno in (errno.ENOKEY, errno.EKEYEXPIRED, errno.EKEYREVOKED, errno.EACCES):
                return None
            raise

    def read(self, key: int) -> bytes:
        buffer = ctypes.create_string_buffer(256)
        size = self.keyctl(_KEYCTL_READ, ctypes.c_int(key), buffer, ctypes.c_size_t(256))
        try:
            return buffer.raw[: min(size, 256)]
        finally:
            ctypes.memset(buffer, 0, 256)


_kernel: _Kernel | None = None
ctypes: Any = None  # imported with the first `_the_kernel()`: most commands never need it


def _the_kernel() -> _Kernel:
    global _kernel, ctypes
    if _kernel is None:
        import ctypes as loaded

        ctypes = loaded
        _kernel = _Kernel()
    return _kernel


def keep(vault_id: str, binding: bytes, data_key: bytes, seconds: int) -> None:
    """Keep `data_key` for `seconds` (a key kept before for this vault is replaced), bound to
    `binding` (the vault's header, as the vault reads it now)."""
    kernel = _the_kernel()
    if kernel.numbers is None:
        raise KeyringUnavailable(
            "This system has no kernel keyring followup-tui can use (Linux only): "
            "the passphrase is asked each time."
        )
    if not 0 < seconds <= MAX_SECONDS:
        raise FollowupError("Stay unlocked for between a minute and 30 days.")
    payload = _MAGIC + _digest(binding) + data_key
    forget(vault_id)  # a key kept before is not updated in place (no one may write to it)
    key: int | None = None
    try:
        key = kernel.add(_description(vault_id), payload)
        kernel.keyctl(_KEYCTL_SET_TIMEOUT, ctypes.c_int(key), ctypes.c_uint(seconds))
        kernel.keyctl(_KEYCTL_SETPERM, ctypes.c_int(key), ctypes.c_uint(_PERMISSIONS))
    except OSError as exc:
        if key is not None:  # never a key left behind without its time limit
            with contextlib.suppress(OSError):
                kernel.keyctl(_KEYCTL_UNLINK, ctypes.c_int(key), ctypes.c_int(_USER_KEYRING))
        raise KeyringUnavailable(
            f"The kernel keyring refused to keep the key ({exc.strerror}): "
            "the passphrase is asked each time."
        ) from None


def _listed(description: bytes) -> bool:
    """Whether the kernel lists a key so described among those this user may see: every
    command asks, and reading /proc/keys is cheaper than loading ctypes to find nothing."""
    try:
        with open("/proc/keys", "rb") as keys:
            listed = keys.read(1 << 20)
    except OSError:
        return True  # nothing to ask: the system call answers
    return b" " + description + b":" in listed


def recall(vault_id: str, binding: bytes) -> bytes | None:
    """The data key kept for this vault, if it is there and was kept with this `binding`."""
    if sys.platform != "linux" or not _listed(_description(vault_id)):
        return None
    found = _found(vault_id)
    if found is None:
        return None
    try:
        payload = found[0].read(found[1])
    except OSError:
        return None
    if len(payload) != len(_MAGIC) + _HASH + _KEY or not payload.startswith(_MAGIC):
        return None
    digest = payload[len(_MAGIC) : len(_MAGIC) + _HASH]
    if digest != _digest(binding):
        return None  # the header changed since (a new passphrase): ask for it
    return payload[len(_MAGIC) + _HASH :]


def _found(vault_id: str) -> tuple[_Kernel, int] | None:
    """The kernel and the serial of the key kept for this vault, or None (none, or no keyring)."""
    kernel = _the_kernel()
    if kernel.numbers is None:
        return None
    try:
        key = kernel.search(_description(vault_id))
    except OSError:
        return None
    return None if key is None else (kernel, key)


def forget(vault_id: str) -> bool:
    """Forget the key kept for this vault; False when none was kept."""
    found = _found(vault_id)
    if found is None:
        return False
    kernel, key = found
    try:
        kernel.keyctl(_KEYCTL_UNLINK, ctypes.c_int(key), ctypes.c_int(_USER_KEYRING))
    except OSError:
        return False
    return True
