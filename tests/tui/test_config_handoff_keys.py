"""config.yaml's hand-off settings survive every save, a typo in one never stops the config
from loading (it is refused where it is used), and keys of a newer version are kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.config import Config
from store.errors import FollowupError
from tui.handoff.mail import mail_command


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FOLLOWUP_CONFIG_DIR", str(tmp_path))
    return tmp_path / "config.yaml"


def test_hand_off_settings_and_unknown_keys_survive_a_save(config_file: Path) -> None:
    config_file.write_text(
        "device_id: 0123456789ab\n"
        'mail_command: "neomutt -H {file}"\n'
        "mail_command_waits: true\n"
        "calendar_file: ~/followup.ics\n"
        "calendar_alarm: off\n"
        "remind_every: 1h\n"  # a key of another version of the app
    )
    config = Config.load()
    assert config.mail_command == "neomutt -H {file}"
    assert config.calendar_alarm == "off"  # YAML's `off` is false: read back as the word
    config.theme = "paper"  # any save (a theme picked in the palette) keeps them all
    config.save()
    again = Config.load()
    assert (again.mail_command, again.mail_command_waits) == ("neomutt -H {file}", True)
    assert (again.calendar_file, again.calendar_alarm) == ("~/followup.ics", "off")
    assert "remind_every: 1h" in config_file.read_text()


def test_a_typo_in_a_hand_off_setting_is_refused_where_it_is_used(config_file: Path) -> None:
    config_file.write_text(
        "device_id: 0123456789ab\nmail_command: msmtp -t\nmail_command_sends: maybe\n"
    )
    config = Config.load()  # the board and every command still open
    with pytest.raises(FollowupError, match="mail_command_sends should be true or false"):
        mail_command(config)


@pytest.mark.parametrize(
    ("line", "sends", "waits"),
    [
        ("msmtp -t", True, True),
        ("/usr/sbin/sendmail -t", True, True),
        ("neomutt -H {file}", False, True),
        ("thunderbird -compose {mailto}", False, False),
        ("xdg-email {mailto}", False, False),
    ],
)
def test_how_a_mail_command_runs_is_guessed_from_its_program(line, sends, waits) -> None:
    command = mail_command(type("Settings", (), {"mail_command": line})())
    assert command is not None
    assert (command.sends, command.waits) == (sends, waits)


def test_the_guess_gives_way_to_what_config_yaml_says() -> None:
    settings = type(
        "Settings",
        (),
        {
            "mail_command": "my-mailer {file}",
            "mail_command_sends": True,
            "mail_command_waits": False,
        },
    )()
    command = mail_command(settings)
    assert command is not None and command.sends and not command.waits
    assert command.argv(Path("/tmp/x.eml"), "mailto:a@b.io") == ["my-mailer", "/tmp/x.eml"]
    assert (
        not command.uses_stdin
        and mail_command(type("S", (), {"mail_command": "msmtp -t"})()).uses_stdin
    )
