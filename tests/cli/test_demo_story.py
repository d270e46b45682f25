"""The demo's sample search (issue 11, item 16): a real vault of realistic cards at every step
of the advice, made with no passphrase asked and no write outside its own folder."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from store.cards.model import STAGES
from store.notes.due import board_items
from store.notes.templates import TemplateSet
from tui.cli.demo import open_demo


@pytest.fixture
def demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    mine = tmp_path / "my-config"
    monkeypatch.setenv("FOLLOWUP_CONFIG_DIR", str(mine))
    monkeypatch.setenv("FOLLOWUP_PASSWORD_FILE", str(tmp_path / "never-read"))
    session = open_demo(tmp_path / "demo")
    yield session
    assert not mine.exists(), "the demo wrote to the user's config"


def test_the_sample_search_has_a_card_at_every_stage_and_something_due(demo) -> None:
    cards = demo.board.all()
    assert len(cards) >= 8
    assert {c.stage for c in cards} == set(STAGES)
    templates = TemplateSet.for_vault(demo.vault.path)
    now = datetime.now(UTC)
    due = {item.template for item in board_items(cards, templates.all(), now, None)}
    assert {"thank-you", "follow-up", "offer-reply"} <= due
    for card in cards:  # every letter renders for every sample card
        for template in templates.all():
            assert template.render(card, demo.config.profile, now, None).body.strip()
    assert demo.config.profile["name"] == "Sam Doe"


def test_the_demo_vault_lives_in_its_own_folder(demo, tmp_path: Path) -> None:
    assert demo.vault.path == tmp_path / "demo" / "vault"
    assert demo.config.path.is_relative_to(tmp_path / "demo")
    assert (demo.vault.path / "templates" / "thank-you.yaml").exists()
