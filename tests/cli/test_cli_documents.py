"""The posting, attachments and the offer from the command line, on two laptops sharing a vault
folder (and on a copy of it that a sync tool has not finished filling)."""

from __future__ import annotations

import io
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from conftest import Laptop

POSTING_CANARY = "CANARY-posting-kafka-9d2e"
FILE_CANARY = b"CANARY-attached-file-51b0"


def one_error(result, *words: str) -> None:
    assert result.code == 1, result
    assert result.err.count("\n") == 1 and "Traceback" not in result.err, result.err
    for word in words:
        assert word in result.err, result.err


def add(laptop: Laptop, *extra: str) -> str:
    result = laptop.cli("add", "--company", "Acme", "--role", "Backend", *extra)
    assert result.code == 0, result.err
    return result.out.strip()


def show(laptop: Laptop, card: str) -> dict:
    result = laptop.cli("show", card, "--json")
    assert result.code == 0, result.err
    return json.loads(result.out)


def every_byte_under(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_the_posting_comes_from_stdin_and_lands_in_show_json(
    laptop: Laptop, monkeypatch: pytest.MonkeyPatch
) -> None:
    card = add(laptop, "--posting-url", "https://acme.io/jobs/7")
    text = f"Senior backend developer\nWe run Kafka at scale. {POSTING_CANARY}\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
    assert laptop.cli("edit", card, "--posting-file", "-").code == 0
    posting = show(laptop, card)["posting"]
    assert posting == {"url": "https://acme.io/jobs/7", "text": text.rstrip()}
    assert POSTING_CANARY.encode() not in every_byte_under(laptop.vault)


def test_a_bad_posting_file_is_one_line_and_the_card_is_unchanged(
    laptop: Laptop, tmp_path: Path
) -> None:
    card = add(laptop)
    big = tmp_path / "big.txt"
    big.write_text("x" * (256 * 1024 + 1))
    one_error(laptop.cli("edit", card, "--posting-file", str(big)), "256 KB")
    one_error(laptop.cli("edit", card, "--posting-file", str(tmp_path)), "is a folder")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    one_error(laptop.cli("edit", card, "--posting-file", str(fifo)), "not a regular file")
    one_error(laptop.cli("edit", card, "--posting-file", str(tmp_path / "nope")), "no such file")
    locked = tmp_path / "locked.txt"
    locked.write_text("x")
    locked.chmod(0)
    if not os.access(locked, os.R_OK):  # root reads anything
        one_error(laptop.cli("edit", card, "--posting-file", str(locked)), "cannot read")
    binary = tmp_path / "page.bin"
    binary.write_bytes(b"\xff\xfe\x00junk")
    one_error(laptop.cli("edit", card, "--posting-file", str(binary)), "not UTF-8")
    assert show(laptop, card)["posting"] == {"url": "", "text": ""}


def test_a_file_attached_on_one_laptop_is_read_back_on_the_other(
    make_laptop, tmp_path: Path
) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    card = add(a)
    resume = tmp_path / "resume-v3.pdf"
    resume.write_bytes(b"%PDF-1.7\n" + FILE_CANARY + os.urandom(30_000))
    attached = a.cli("attach", card, str(resume))
    assert attached.code == 0, attached.err
    listed = show(b, card)["attachments"]
    assert [(x["name"], x["size"]) for x in listed] == [("resume-v3.pdf", resume.stat().st_size)]
    out = tmp_path / "out" / "copy.pdf"
    out.parent.mkdir()
    got = b.cli("attachment", card, "resume-v3.pdf", "-o", str(out))
    assert got.code == 0, got.err
    assert out.read_bytes() == resume.read_bytes()
    assert out.stat().st_mode & 0o777 == 0o600
    assert FILE_CANARY not in every_byte_under(a.vault)
    # b detaches it; a sees it gone, and the blob waits for an explicit prune
    assert b.cli("detach", card, "resume-v3.pdf").code == 0
    assert show(a, card)["attachments"] == []
    doctor = a.cli("doctor")
    assert doctor.code == 1 and "No card refers to" in doctor.out and "--prune" in doctor.out
    blobs = list((a.vault / "attachments").iterdir())
    assert len(blobs) == 1  # doctor only looks


def test_bad_attachments_are_one_line_and_nothing_is_written(
    laptop: Laptop, tmp_path: Path
) -> None:
    card = add(laptop)
    file = tmp_path / "cv.pdf"
    file.write_bytes(b"x" * (2 * 1024 * 1024 + 1))
    one_error(laptop.cli("attach", card, str(file), "--limit", "2"), "2 MB")
    one_error(laptop.cli("attach", card, str(tmp_path)), "is a folder")
    one_error(
        laptop.cli("attach", card, str(file), "--name", "../../etc/passwd"), "plain file name"
    )
    one_error(laptop.cli("attach", card, str(file), "--name", "a/b"), "plain file name")
    assert not (laptop.vault / "attachments").exists() or not any(
        (laptop.vault / "attachments").iterdir()
    )
    assert laptop.cli("attach", card, str(file)).code == 0
    one_error(laptop.cli("attach", card, str(file)), "already has an attachment named 'cv.pdf'")
    one_error(
        laptop.cli("attachment", card, "nope.pdf", "-o", str(tmp_path / "o")), "no attachment"
    )
    inside = laptop.vault / "plain.pdf"
    one_error(laptop.cli("attachment", card, "cv.pdf", "-o", str(inside)), "inside the vault")
    assert not inside.exists()


def test_an_attachment_whose_blob_has_not_arrived_says_not_synced_yet(
    make_laptop, tmp_path: Path
) -> None:
    a = make_laptop("a")
    card = add(a)
    file = tmp_path / "offer-letter.pdf"
    file.write_bytes(b"offer " * 1000)
    assert a.cli("attach", card, str(file)).code == 0
    # b's copy of the folder: the sync tool brought the replicas but not the blob yet
    copy = tmp_path / "b-vault"
    shutil.copytree(a.vault, copy, ignore=shutil.ignore_patterns("attachments"))
    b = make_laptop("b", vault=copy)
    out = tmp_path / "copy.pdf"
    one_error(
        b.cli("attachment", card, "offer-letter.pdf", "-o", str(out)),
        "offer-letter.pdf on Acme",  # which file, not only its blob's hash
        "not synced yet",
    )
    assert not out.exists()
    doctor = b.cli("doctor")
    assert doctor.code == 1 and "Not synced yet:" in doctor.out and "offer-letter.pdf" in doctor.out
    # the missing file is listed under its heading, not level with it, and no line above says
    # nothing needs acting on
    assert f"\n    Acme ({card}): offer-letter.pdf\n" in doctor.out, doctor.out
    assert "Needs acting on: none" not in doctor.out
    # it arrives, as a Syncthing conflict copy even: `sync` puts it in place
    blob = next((a.vault / "attachments").iterdir())
    (copy / "attachments").mkdir()
    shutil.copyfile(
        blob, copy / "attachments" / f"{blob.name}.sync-conflict-20261201-101500-ABCDEFG"
    )
    (copy / "attachments" / f".syncthing.{blob.name}.tmp").write_bytes(b"half")
    assert b.cli("sync").code == 0
    assert b.cli("attachment", card, "offer-letter.pdf", "-o", str(out)).code == 0
    assert out.read_bytes() == file.read_bytes()
    names = sorted(p.name for p in (copy / "attachments").iterdir())
    assert names == sorted([blob.name, f".syncthing.{blob.name}.tmp"])  # the temp file is left


def test_a_spare_conflict_copy_of_a_blob_is_removed_by_sync(make_laptop, tmp_path: Path) -> None:
    a = make_laptop("a")
    card = add(a)
    file = tmp_path / "cv.pdf"
    file.write_bytes(b"cv")
    assert a.cli("attach", card, str(file)).code == 0
    blob = next((a.vault / "attachments").iterdir())
    spare = blob.with_name(f"{blob.name} (laptop's conflicted copy 2026-12-01)")
    shutil.copyfile(blob, spare)
    assert "Conflict copies" in a.cli("doctor").out
    assert a.cli("sync").code == 0
    assert not spare.exists() and blob.exists()


def test_offers_on_two_laptops_are_side_by_side_by_deadline(make_laptop) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    acme = add(a, "--salary", "85k", "--currency", "eur", "--answer-by", "2099-03-10")
    globex = b.cli(
        "add", "--company", "Globex", "--salary", "120,000", "--currency", "USD",
        "--bonus", "10% target", "--equity", "0.1% over 4 years", "--start", "2099-04-01",
        "--answer-by", "2099-03-05",
    ).out.strip()  # fmt: skip
    listed = json.loads(a.cli("offers", "--json").out)
    assert [o["card_id"] for o in listed] == [globex, acme]
    assert listed[0]["salary"] == 120000 and listed[0]["currency"] == "USD"
    assert listed[1]["salary"] == 85000 and listed[1]["currency"] == "EUR"  # never converted
    text = a.cli("offers").out
    assert text.index("Globex") < text.index("Acme") and "120,000 USD" in text
    assert show(b, acme)["offer"]["answer_by"] == "2099-03-10"
    due = json.loads(a.cli("due", "--all", "--json").out)
    assert {d["card_id"] for d in due if d["kind"] == "offer-deadline"} == {acme, globex}
    one_error(a.cli("edit", acme, "--currency", "EURO"), "three-letter code")
    one_error(a.cli("edit", acme, "--salary", "lots"), "Bad salary")
    assert show(a, acme)["offer"]["currency"] == "EUR"


def test_doctor_prune_removes_only_blobs_no_card_refers_to(laptop: Laptop, tmp_path: Path) -> None:
    from datetime import timedelta

    from sync.blobs import prune
    from sync.folder import open_folder

    card = add(laptop)
    for name in ("kept.pdf", "gone.pdf"):
        (tmp_path / name).write_bytes(name.encode() * 50)
        assert laptop.cli("attach", card, str(tmp_path / name)).code == 0
    assert laptop.cli("detach", card, "gone.pdf").code == 0
    fresh = laptop.cli("doctor", "--prune")
    assert "Kept attachments/" in fresh.out  # arrived minutes ago: its card may be on the way
    assert len(list((laptop.vault / "attachments").iterdir())) == 2
    session = laptop.session()
    folder_session = open_folder(session.vault, session.config, tidy=False)
    removed, kept = prune(folder_session, grace=timedelta(0))
    assert len(removed) == 1 and kept == []
    out = tmp_path / "kept-copy.pdf"
    assert laptop.cli("attachment", card, "kept.pdf", "-o", str(out)).code == 0
    assert laptop.cli("doctor").code == 0


def test_prune_refuses_while_a_replica_cannot_be_read(make_laptop, tmp_path: Path) -> None:
    a, b = make_laptop("a"), make_laptop("b")
    card = add(a)
    (tmp_path / "x.pdf").write_bytes(b"x")
    assert a.cli("attach", card, str(tmp_path / "x.pdf")).code == 0
    assert a.cli("detach", card, "x.pdf").code == 0
    assert b.cli("list").code == 0
    import yaml

    b_device = yaml.safe_load((b.config_dir / "config.yaml").read_text())["device_id"]
    damaged = a.vault / "replicas" / f"{b_device}.json"  # b's replica, damaged on the way
    damaged.write_bytes(damaged.read_bytes()[:-5] + b"xxxxx")
    result = a.cli("doctor", "--prune")
    assert "Nothing was pruned" in result.err
    assert len(list((a.vault / "attachments").iterdir())) == 1
