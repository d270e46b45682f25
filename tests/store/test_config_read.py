"""config.yaml is read by YAML once per text: the next start takes what YAML read from
`config-read.json`, only for that very text and that PyYAML, and only what JSON gives back
exactly. A start that finds it never imports PyYAML."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import PROJECT_DIR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.config import READ_FILE, Config, _read_settings
from store.errors import FollowupError
from store.remembered import code_stamp

# Fixed examples, no deadline: the same cases on every run, however loaded the machine.
STEADY = settings(
    max_examples=80, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
WRITTEN = (  # as `Config.save` writes it
    "device_id: e44cf960424b\ndevice_name: bench-laptop\nvault: /tmp/v\ntheme: null\n"
    "profile: {}\nkeymap: {}\nmachine: fb8d4c87ece92121\n"
)


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOLLOWUP_CONFIG_DIR", str(tmp_path))
    return tmp_path / "config.yaml"


def _loads_yaml(config_dir: Path) -> bool:
    """Whether `Config.load()` in a fresh Python imports PyYAML."""
    code = (
        "import sys; from store.config import Config; Config.load(); print('yaml' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=dict(os.environ, FOLLOWUP_CONFIG_DIR=str(config_dir)),
        cwd=PROJECT_DIR,
        timeout=60,
        check=True,
    )
    return done.stdout.strip() == "True"


def test_a_second_start_reads_the_config_without_yaml(config_file: Path) -> None:
    config_file.write_text(WRITTEN)
    assert _loads_yaml(config_file.parent)  # the first start reads it with YAML
    remembered = config_file.with_name(READ_FILE)
    assert remembered.stat().st_mode & 0o777 == 0o600  # the device's settings: the user's own
    assert not _loads_yaml(config_file.parent)
    config = Config.load()
    assert (config.device_id, config.device_name, config.vault) == (
        "e44cf960424b",
        "bench-laptop",
        "/tmp/v",
    )
    assert (config.profile, config.keymap, config.theme) == ({}, {}, None)


def test_an_edited_config_is_read_again_by_yaml(config_file: Path) -> None:
    config_file.write_text(WRITTEN)
    Config.load()
    config_file.write_text(WRITTEN.replace("bench-laptop", "work laptop"))
    assert Config.load().device_name == "work laptop"
    assert _read_settings(config_file)["device_name"] == "work laptop"  # and remembered so
    config = Config.load()
    config.theme = "paper"
    config.save()
    assert Config.load().theme == "paper"


def test_a_config_broken_after_a_good_read_still_says_its_error(config_file: Path) -> None:
    config_file.write_text(WRITTEN)
    Config.load()
    config_file.write_text(WRITTEN + "keymap: [\n")
    with pytest.raises(FollowupError, match=r"config.yaml, line \d+: not valid YAML"):
        Config.load()
    remembered = json.loads(config_file.with_name(READ_FILE).read_text())
    assert list(remembered["entries"]) == [WRITTEN]  # nothing is kept of a file that did not read


config_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.dates() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6), inner)
        | st.dictionaries(st.integers(0, 9), inner, max_size=2)  # a key YAML reads as a number
    ),
    max_leaves=8,
)
config_texts = st.one_of(
    st.dictionaries(st.text(min_size=1, max_size=8), config_values, max_size=5).map(
        lambda data: yaml.safe_dump(data, allow_unicode=True)
    ),
    # Hand-written lines: the bare words YAML reads as something other than text.
    st.lists(
        st.sampled_from(
            [
                *("on", "off", "yes", "~", "", "0x1f", "0b101", "1:20", "2026-12-01", "1e3"),
                *(".inf", "012", "'quoted'", "a: b", "[1, 2]", "{a: 1}", "null", "0o17", "é"),
            ]
        ),
        max_size=4,
    ).map(lambda words: "".join(f"key{i}: {w}\n" for i, w in enumerate(words))),
)


@STEADY
@given(text=config_texts)
def test_what_is_remembered_is_what_yaml_reads(text: str) -> None:
    """Every text, read first by YAML and then from what was remembered, reads exactly as
    PyYAML reads it: same types (a date stays a date, `on` stays true, a number key stays a
    number), same values; and whatever JSON gives back exactly is read from the memory."""
    import tempfile

    from store import config as config_module
    from store.untrusted import json_exact_copy

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            expected = yaml.safe_load(text) or {}
        except yaml.YAMLError:  # refused each time, and nothing remembered of it
            for _ in range(2):
                with pytest.raises(FollowupError, match="not valid YAML"):
                    _read_settings(path)
            assert not (Path(folder) / READ_FILE).exists()
            return
        first = _read_settings(path)
        assert repr(first) == repr(expected)
        if json_exact_copy(expected) is not None:  # remembered: YAML is not asked again

            def refuse(_: str) -> None:
                raise AssertionError("read by YAML again")

            load, config_module._load_yaml = config_module._load_yaml, refuse
            try:
                second = _read_settings(path)
            finally:
                config_module._load_yaml = load
        else:
            second = _read_settings(path)
        assert repr(second) == repr(expected)


@pytest.mark.parametrize(
    "remembered",
    [
        b"not json",
        b"[]",
        b'{"format": 1}',
        b'{"format": 2, "yaml": null, "text": "", "settings": {}}',
        b"\xff\xfe",
        b"[" * 100_000,
    ],
)
def test_a_remembered_file_that_is_not_ours_is_passed_over(config_file: Path, remembered) -> None:
    config_file.write_text(WRITTEN)
    config_file.with_name(READ_FILE).write_bytes(remembered)
    assert Config.load().device_name == "bench-laptop"
    assert list(json.loads(config_file.with_name(READ_FILE).read_text())["entries"]) == [WRITTEN]


def test_settings_remembered_for_another_text_or_another_yaml_are_not_taken(
    config_file: Path,
) -> None:
    config_file.write_text(WRITTEN)
    stamp = code_stamp("yaml")
    assert stamp is not None
    remembered = config_file.with_name(READ_FILE)

    def forge(stamp: list, text: str) -> None:
        settings = {"device_id": "e44cf960424b", "device_name": "x"}
        forged = {"format": 1, "stamp": stamp, "entries": {text: settings}}
        remembered.write_text(json.dumps(forged))

    forge(stamp, "other text")
    assert Config.load().device_name == "bench-laptop"
    forge([*stamp[:-1], stamp[-1] + 1], WRITTEN)  # the same file rewritten: another PyYAML
    assert Config.load().device_name == "bench-laptop"
    forge(stamp, WRITTEN)  # the very text and PyYAML: taken as it is
    assert Config.load().device_name == "x"


def test_only_the_config_as_it_is_now_is_kept(config_file: Path) -> None:
    for name in ("one", "two", "three"):
        config_file.write_text(WRITTEN.replace("bench-laptop", name))
        assert Config.load().device_name == name
    kept = json.loads(config_file.with_name(READ_FILE).read_text())["entries"]
    assert list(kept) == [WRITTEN.replace("bench-laptop", "three")]


def test_a_remembered_file_that_cannot_be_written_stops_nothing(config_file: Path) -> None:
    config_file.write_text(WRITTEN)
    config_file.with_name(READ_FILE).mkdir()  # a folder where the file would go
    assert Config.load().device_name == "bench-laptop"
    assert Config.load().device_name == "bench-laptop"
    # no temporary file left behind beside it
    assert {p.name for p in config_file.parent.iterdir()} == {"config.yaml", READ_FILE}


def test_a_first_command_on_a_config_holding_a_nan_does_not_wait_for_itself(
    config_file: Path,
) -> None:
    """No `device_id` yet: the first command writes one, under the config dir's lock, once two
    reads of the file agree. A NaN never equals itself: remembered, it made the reads differ
    and the command wait for its own lock for ever."""
    config_file.write_text("device_name: x\nfoo: .nan\n")
    code = "from store.config import Config; c = Config.load(); print(c.device_id)"
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=dict(os.environ, FOLLOWUP_CONFIG_DIR=str(config_file.parent)),
            cwd=PROJECT_DIR,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr[-2000:]
    assert "device_id:" in config_file.read_text()


def test_a_remembered_config_never_decides_that_config_yaml_is_rewritten(
    config_file: Path,
) -> None:
    """An entry for the very text that lacks the device id (a hand edit of the memory) would
    have had a new id written over the real one: what decides a write is the file itself."""
    config_file.write_text(WRITTEN)
    stamp = code_stamp("yaml")
    forged = {"device_name": "bench-laptop", "vault": "/tmp/v"}
    remembered = {"format": 1, "stamp": stamp, "entries": {WRITTEN: forged}}
    config_file.with_name(READ_FILE).write_text(json.dumps(remembered))
    assert Config.load().device_id == "e44cf960424b"
    assert config_file.read_text() == WRITTEN
