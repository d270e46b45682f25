"""The message file a mail_command reads: a proper RFC 5322 message (encoded UTF-8 headers,
the body as written), private to the user, outside the vault, and gone afterwards."""

from __future__ import annotations

import email
import stat
from email import policy
from pathlib import Path

from conftest import NOW

from tui.handoff.message import message_bytes, remove, write_private


def parsed(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=policy.default)  # type: ignore[return-value]


def test_the_message_has_to_subject_from_and_the_body_with_utf8_headers_encoded() -> None:
    body = "Liebe Frau Müller,\n\ndanke für das Gespräch.\n\nGrüße\nSam"
    data = message_bytes(
        "Jürgen Groß <jg@acme.io>, bo@acme.io",
        "Danke — Gespräch",
        body,
        ("Sam Döe", "sam@x.io"),
        NOW,
    )
    head = data.split(b"\n\n", 1)[0]
    assert head.isascii()  # every header is encoded (RFC 2047)
    message = parsed(data)
    assert message["To"] == "Jürgen Groß <jg@acme.io>, bo@acme.io"
    assert message["Subject"] == "Danke — Gespräch"
    assert message["From"] == "Sam Döe <sam@x.io>"
    assert message["Date"] and message["Message-ID"].endswith("@x.io>")
    assert message.get_content_charset() == "utf-8"
    assert message["Content-Transfer-Encoding"] == "8bit"  # a draft reads as written
    assert message.get_content() == body + "\n"
    assert "Liebe Frau Müller,".encode() in data


def test_a_line_break_in_a_subject_cannot_add_a_header() -> None:
    message = parsed(message_bytes("ann@acme.io", "Hi\nBcc: spy@evil.io", "Text", None, NOW))
    assert message["Bcc"] is None
    assert message["Subject"] == "Hi Bcc: spy@evil.io"
    assert message["From"] is None  # no profile address: the mail program fills it in


def test_a_line_too_long_for_8bit_is_sent_quoted_printable_and_reads_back() -> None:
    body = "ä" * 700  # 1,400 octets on one line
    message = parsed(message_bytes("ann@acme.io", "Long", body, None, NOW))
    assert message["Content-Transfer-Encoding"] == "quoted-printable"
    assert message.get_content() == body + "\n"


def test_the_file_is_private_outside_the_vault_and_removed_with_its_folder(tmp_path: Path) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    path = write_private(b"To: a@b.io\n\nHi\n", vault, tmp_path / "config")
    assert vault not in path.parents
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert path.read_bytes() == b"To: a@b.io\n\nHi\n"
    remove(path)
    assert not path.exists() and not path.parent.exists()


def test_when_the_temp_folder_is_inside_the_vault_the_file_goes_to_the_config_dir(
    tmp_path: Path, monkeypatch
) -> None:
    vault = tmp_path / "vault"
    (vault / "tmp").mkdir(parents=True)
    monkeypatch.setenv("TMPDIR", str(vault / "tmp"))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    path = write_private(b"x", vault, tmp_path / "config" / "tmp")
    try:
        assert vault not in path.parents
        assert (tmp_path / "config" / "tmp") in path.parents
    finally:
        remove(path)
