"""Templates remembered as checked (store/notes/checked.py): a file that passed is read again
without YAML's parser, Jinja2 or a trial render, and gives the same template and the same
notes; a broken or edited file is always checked afresh; a damaged or forged memory never
stops a note or hides an error worse than a render would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.cards.board import Board
from store.cards.model import Interviewer
from store.notes import checked
from store.notes.checked import FILE, CheckedTemplates
from store.notes.templates import TemplateError, TemplateSet, load_template

NOW = datetime(2026, 3, 12, 9, 0, tzinfo=UTC)
PROFILE = {"name": "Sam Doe", "signature": "Sam Doe"}
GOOD = """\
stage: thanked
due: {after: last_contact, days: 3}
subject: "Hello {{ company }}"
body: |
  Dear {{ interviewer.first_name }},
  version one
"""
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "config"
    monkeypatch.setenv("FOLLOWUP_CONFIG_DIR", str(folder))
    return folder


def a_card():
    board = Board("d1")
    values = {
        "company": "Acme",
        "role": "Backend dev",
        "interviewed_at": datetime(2026, 3, 10, 14, 0, tzinfo=UTC),
        "interviewers": [Interviewer("Ann Lee", "CTO")],
    }
    return board.card(board.add(values))


def templates_in(tmp_path: Path, memory: CheckedTemplates, text: str = GOOD) -> TemplateSet:
    folder = tmp_path / "templates"
    folder.mkdir(exist_ok=True)
    (folder / "check-in.yaml").write_text(text)
    return TemplateSet(folder, checked=memory)


def test_a_remembered_template_is_the_same_template_and_writes_the_same_note(
    tmp_path: Path, config: Path
) -> None:
    first = templates_in(tmp_path, CheckedTemplates(config / FILE))
    assert (config / FILE).exists()
    assert (config / FILE).stat().st_mode & 0o077 == 0  # the user's templates: theirs alone
    again = CheckedTemplates(config / FILE)
    second = templates_in(tmp_path, again)
    card = a_card()
    for name in first.names():
        one, other = first.get(name), second.get(name)
        assert one == other
        assert other._subject is None and other._body is None  # nothing compiled yet
        if one.kind == "letter":
            assert one.render(card, PROFILE, NOW, UTC) == other.render(card, PROFILE, NOW, UTC)
    assert second.get("check-in").render(card, PROFILE, NOW, UTC).body.startswith("Dear Ann,")


def test_a_fresh_process_reads_remembered_templates_without_jinja(
    tmp_path: Path, config: Path
) -> None:
    vault = tmp_path / "vault"
    (vault / "templates").mkdir(parents=True)
    (vault / "templates" / "check-in.yaml").write_text(GOOD)
    script = (
        "import sys\n"
        "from store.notes.templates import TemplateSet\n"
        f"s = TemplateSet.for_vault({str(vault)!r})\n"
        "assert s.problems() == [], s.problems()\n"
        "print(len(s.everything()), 'jinja2' in sys.modules)\n"
    )
    env = {**os.environ, "FOLLOWUP_CONFIG_DIR": str(config), "PYTHONPATH": str(ROOT)}

    def run() -> str:
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
        )
        return done.stdout.split()[-1]

    assert run() == "True"  # the first time every file is checked, Jinja2 and all
    assert run() == "False"


def test_a_broken_file_is_never_remembered_and_says_its_error_every_time(
    tmp_path: Path, config: Path
) -> None:
    broken = GOOD.replace("{{ company }}", "{{ company")
    for _ in range(2):
        memory = CheckedTemplates(config / FILE)
        templates = templates_in(tmp_path, memory, broken)
        assert [p.path.name for p in templates.problems()] == ["check-in.yaml"]
        assert "subject" in templates.problems()[0].message


def test_an_edit_is_checked_again(tmp_path: Path, config: Path) -> None:
    templates_in(tmp_path, CheckedTemplates(config / FILE))
    unknown = GOOD.replace("{{ company }}", "{{ compnay }}")
    templates = templates_in(tmp_path, CheckedTemplates(config / FILE), unknown)
    assert "compnay" in templates.problems()[0].message
    assert "check-in" not in templates.names()  # no last good copy kept here: not in use


@pytest.mark.parametrize(
    "memory",
    [
        b"\x00\xff not json",
        b"[]",
        b'{"format": 1, "entries": {"k": 3, "j": {"data": [], "lines": 1}}}',
        b'{"format": 1, "entries": {"k": {"data": {}, "lines": {"subject": true}}}}',
        b'{"format": 99, "entries": {}}',
        b'{"format": 1, "entries": [1]}',
        b'{"format": 1, "entries": "x"}',
        b'{"entries": {}, "format": 1, "extra": null}',
        b'{"format": 1, "stamp": ["followup-checked-templates 2"], "entries": {"k": [1]}}',
        b"null",
        b"[" * 100_000,
    ],
)
def test_a_damaged_memory_is_passed_over(tmp_path: Path, config: Path, memory: bytes) -> None:
    config.mkdir(parents=True)
    (config / FILE).write_bytes(memory)
    templates = templates_in(tmp_path, CheckedTemplates(config / FILE))
    assert templates.problems() == []
    assert "check-in" in templates.names()


def test_a_forged_entry_fails_where_the_note_is_written_with_the_file_and_line(
    tmp_path: Path, config: Path
) -> None:
    """Someone who can write the config dir claims a broken text passed: it is read, and the
    note it cannot write is refused with its file, as any render error is."""
    broken = GOOD.replace("{{ company }}", "{% if %}")
    memory = CheckedTemplates(config / FILE)
    path = tmp_path / "check-in.yaml"
    key = memory.key("check-in", False, broken)
    memory.add(key, {"stage": "thanked", "subject": "{% if %}", "body": "x"}, {"subject": 2})
    template = load_template(path, data=broken.encode(), checked=memory)
    with pytest.raises(TemplateError, match=r"check-in\.yaml, line"):
        template.render(a_card(), PROFILE, NOW, UTC)


def test_keys_that_json_would_change_are_not_remembered(tmp_path: Path, config: Path) -> None:
    memory = CheckedTemplates(config / FILE)
    memory.add("a", {"stage": "thanked", "due": {"on": datetime(2026, 1, 1)}}, {})
    memory.add("b", {"stage": "thanked", "n": 1.0, "m": True}, {})
    memory.add("c", {"stage": "thanked", 1: "x"}, {})
    assert memory.get("a") is None and memory.get("c") is None
    assert memory.get("b") is not None and memory.get("b").data == {  # type: ignore[union-attr]
        "stage": "thanked",
        "n": 1.0,
        "m": True,
    }


def test_the_memory_keeps_only_the_newest_entries(config: Path) -> None:
    memory = CheckedTemplates(config / FILE)
    for n in range(checked.MAX_ENTRIES + 5):
        memory.add(f"k{n}", {"stage": "thanked"}, {})
    memory.save()
    kept = json.loads((config / FILE).read_text())["entries"]
    assert len(kept) == checked.MAX_ENTRIES and "k0" not in kept and f"k{n}" in kept


def test_doctor_reads_templates_without_writing_the_memory(tmp_path: Path, config: Path) -> None:
    vault = tmp_path / "vault"
    (vault / "templates").mkdir(parents=True)
    (vault / "templates" / "check-in.yaml").write_text(GOOD)
    TemplateSet.for_vault(vault, remember=False)
    assert not (config / FILE).exists()


@pytest.mark.parametrize(
    "entry", [[], {"data": [], "lines": {}}, {"data": {}, "lines": {"subject": True}}, {"data": {}}]
)
def test_an_entry_for_the_very_file_that_is_not_what_a_check_keeps_is_passed_over(
    tmp_path: Path, config: Path, entry: object
) -> None:
    config.mkdir(parents=True)
    first = CheckedTemplates(config / FILE)
    templates_in(tmp_path, first)  # the real keys, remembered
    document = json.loads((config / FILE).read_text())
    document["entries"] = dict.fromkeys(document["entries"], entry)  # each one damaged
    (config / FILE).write_text(json.dumps(document))
    templates = templates_in(tmp_path, CheckedTemplates(config / FILE))
    assert templates.problems() == []
    assert "check-in" in templates.names()
