"""Stages and outcomes: their names, how they are shown, and the words people use for them.

The one place that lists them. A stage or outcome is stored, typed on the command line and
named in templates by its name (`followed-up`, `no-answer`); a card, the close dialog and the
reports show its words (`no answer`, "They never answered"); a spreadsheet may say it any of
the ways listed here ("Thank you sent", "Ghosted", "closed - offer").

Two readers, for two kinds of text: `outcome_named` reads an outcome's own name however it is
spelled (case, spaces, dashes: what the CLI and a form take); `parse_stage` and `parse_outcome`
also read the synonyms of other trackers' exports (what the importer takes). Pure data and
pure functions: this module must never import anything of the app but `store.errors`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from store.errors import BadValue


@dataclass(frozen=True)
class Stage:
    """A column of the board."""

    name: str  # stored, typed and named in templates
    title: str  # a column's heading
    synonyms: tuple[str, ...] = ()  # what other trackers call it


@dataclass(frozen=True)
class Outcome:
    """How a closed card ended."""

    name: str  # stored, typed and named in templates
    words: str  # shown on a card and in reports
    sentence: str  # what the close dialog offers
    synonyms: tuple[str, ...] = ()  # what other trackers call it (each means: closed, so)


BOARD: tuple[Stage, ...] = (
    Stage(
        "interviewed",
        "Interviewed",
        (
            "interview",
            "interviewing",
            "interview scheduled",
            "scheduled",
            "interview done",
            "phone screen",
            "screening",
            "screened",
            "onsite",
            "on-site",
            "applied",
            "new",
        ),
    ),
    Stage(
        "thanked",
        "Thanked",
        (
            "thank you",
            "thank-you",
            "thank you sent",
            "thank-you sent",
            "thank you note sent",
            "thank you email sent",
            "thanks sent",
            "sent thank you",
            "sent thanks",
        ),
    ),
    Stage(
        "waiting",
        "Waiting",
        (
            "wait",
            "awaiting",
            "awaiting response",
            "awaiting answer",
            "awaiting feedback",
            "waiting for answer",
            "waiting for response",
            "waiting for feedback",
            "waiting to hear",
            "waiting to hear back",
            "pending",
            "in progress",
            "on hold",
        ),
    ),
    Stage(
        "followed-up",
        "Followed up",
        (
            "followed up",
            "follow up",
            "follow-up",
            "follow up sent",
            "follow-up sent",
            "followed up again",
            "chased",
            "nudged",
            "pinged",
        ),
    ),
    Stage("closed", "Closed", ("done", "finished", "archived", "ended")),
)

ENDINGS: tuple[Outcome, ...] = (
    Outcome(
        "offer",
        "offer",
        "They made an offer",
        (
            "offered",
            "offer received",
            "got offer",
            "got an offer",
            "offer made",
            "accepted",
            "offer accepted",
            "hired",
            "closed offer",
            "closed - offer",
        ),
    ),
    Outcome(
        "rejected",
        "rejected",
        "They said no",
        (
            "rejection",
            "declined",
            "turned down",
            "not selected",
            "unsuccessful",
            "not moving forward",
            "lost",
            "closed rejected",
            "closed - rejected",
        ),
    ),
    Outcome(
        "withdrew",
        "withdrew",
        "I withdrew",
        (
            "withdrawn",
            "withdraw",
            "i withdrew",
            "pulled out",
            "declined offer",
            "offer declined",
            "closed withdrew",
        ),
    ),
    Outcome(
        "no-answer",
        "no answer",
        "They never answered",
        (
            "no answer",
            "ghosted",
            "no response",
            "no reply",
            "never heard back",
            "silence",
            "closed no answer",
        ),
    ),
)

# What a spreadsheet writes in an outcome column of a card that has none (yet).
NO_OUTCOME_WORDS: tuple[str, ...] = (
    "",
    "-",
    "n/a",
    "na",
    "none",
    "pending",
    "tbd",
    "open",
    "?",
    "unknown",
)

STAGES: tuple[str, ...] = tuple(stage.name for stage in BOARD)
OUTCOMES: tuple[str, ...] = tuple(outcome.name for outcome in ENDINGS)
STAGE_TITLES: dict[str, str] = {stage.name: stage.title for stage in BOARD}
OUTCOME_WORDS: dict[str, str] = {outcome.name: outcome.words for outcome in ENDINGS}
OUTCOME_SENTENCES: dict[str, str] = {outcome.name: outcome.sentence for outcome in ENDINGS}


def compact(text: str) -> str:
    """Text reduced to what people mean by it: "Interview-Date " → "interviewdate"."""
    return re.sub(r"[^0-9a-z]+", "", str(text).casefold())


def _said() -> dict[str, tuple[str, str | None]]:
    said: dict[str, tuple[str, str | None]] = {}
    for stage in BOARD:
        for word in (stage.name, *stage.synonyms):
            said[compact(word)] = (stage.name, None)
    for outcome in ENDINGS:
        for word in (outcome.name, *outcome.synonyms):
            said[compact(word)] = ("closed", outcome.name)
    return said


_SAID = _said()
_NO_OUTCOME = frozenset(compact(word) for word in NO_OUTCOME_WORDS)
_OUTCOME_NAMES = {compact(name): name for name in OUTCOMES}


def outcome_words(outcome: str) -> str:
    """An outcome as a card and a report show it ("no answer"); an unknown one as it is."""
    return OUTCOME_WORDS.get(outcome, outcome)


def outcome_named(text: str) -> str | None:
    """The outcome whose own name `text` is, however spelled ("No answer", "no_answer"), or
    None. Synonyms are not names: "ghosted" is None here (the importer reads those)."""
    return _OUTCOME_NAMES.get(compact(text))


def parse_stage(text: str) -> tuple[str, str | None]:
    """A stage as people write it → (stage, outcome); `BadValue` when it means nothing known."""
    key = compact(text)
    if key in _SAID:
        return _SAID[key]
    raise BadValue(f"unknown stage {text.strip()!r} (known: {', '.join(STAGES)}, offer, rejected…)")


def parse_outcome(text: str) -> str | None:
    """An outcome as people write it; None for the words that mean "none yet" ("n/a", "-")."""
    key = compact(text)
    if key in _NO_OUTCOME:
        return None
    said = _SAID.get(key)
    if said and said[1]:
        return said[1]
    raise BadValue(f"unknown outcome {text.strip()!r} (known: {', '.join(OUTCOMES)})")
