"""Reading a JSON file: our own backup (card states, devices, templates) or `list --json`.

A backup's card states are checked thoroughly (`store.cards.model.check_state`) before any
merge, so a hand-edited or damaged card is skipped and named, never merged half-way; its
templates are kept only under safe file names. Card objects without states (`list --json`
output) become rows, read like a CSV's. Must never write anything.
"""

from __future__ import annotations

import json
import re
from typing import Any

from store.cards.dates import ISO_DATE_PREFIX
from store.cards.model import CARD_ID, check_state, parse_iso_utc
from store.errors import BadValue, FollowupError
from store.transfer.importer.headers import IMPORT_FIELDS
from store.transfer.importer.rows import Problem, build_row
from store.transfer.importer.source import Progress, Source, decode
from store.untrusted import parse_json

BACKUP_FORMAT = "followup-tui-backup"

_TEMPLATE_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,80}\.ya?ml$")


def _card_fields(obj: dict[str, Any]) -> dict[str, Any]:
    """A `--json` card object as the cells of a row (dates as text, lists as lists)."""
    values: dict[str, Any] = {}
    for name in IMPORT_FIELDS:
        value = obj.get(name)
        if value is None:
            continue
        if name == "interviewed_at" and isinstance(value, str):
            moment = parse_iso_utc(value) if ISO_DATE_PREFIX.match(value) else None
            values[name] = moment.astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else value
        else:
            values[name] = value
    if obj.get("outcome") and obj.get("stage") == "closed":
        values.pop("stage", None)
    return values


def read_json(data: bytes, name: str, progress: Progress | None = None) -> Source:
    """Our backup (card states: conflicts and timelines survive exactly) or `list --json` output."""
    try:
        text, _ = decode(data, name)
        doc = parse_json(text)
    except json.JSONDecodeError as exc:
        raise FollowupError(f"{name}, line {exc.lineno}: not valid JSON ({exc.msg}).") from None
    if isinstance(doc, dict) and "cards" in doc:
        cards, devices, templates = doc.get("cards"), doc.get("devices"), doc.get("templates")
    elif isinstance(doc, list):
        cards, devices, templates = doc, {}, {}
    else:
        raise FollowupError(f"{name}: not a followup-tui backup (no list of cards in it).")
    if not isinstance(cards, list):
        raise FollowupError(f'{name}: its "cards" is not a list.')
    with_state = any(isinstance(c, dict) and "state" in c for c in cards)
    source = Source(name=name, kind="backup" if with_state else "cards", records=len(cards))
    if isinstance(devices, dict):
        source.devices = {
            str(k): dict(v)
            for k, v in devices.items()
            if isinstance(v, dict) and CARD_ID.fullmatch(str(k))
        }
    if isinstance(templates, dict):
        for template, body in templates.items():
            if isinstance(body, str) and _TEMPLATE_NAME.match(str(template)):
                source.templates[str(template)] = body
            else:
                source.problems.append(
                    Problem(f"template {template!r}", "bad name or content; skipped")
                )
    version = doc.get("version") if isinstance(doc, dict) else None
    if isinstance(doc, dict) and doc.get("format") == BACKUP_FORMAT and version != 1:
        raise FollowupError(
            f"{name}: a backup of format version {version}; this app reads version 1."
        )
    for number, obj in enumerate(cards, start=1):
        if progress and number % 500 == 0:
            progress("reading cards", number, len(cards))
        card_id = str(obj.get("id", "")) if isinstance(obj, dict) else ""
        where = f"card {number}" + (f" ({card_id})" if card_id else "")
        if not isinstance(obj, dict):
            source.problems.append(Problem(where, "not a card object"))
            continue
        try:
            if with_state:
                if card_id in source.states:
                    raise BadValue("the same id appears twice")
                source.states[card_id] = check_state(card_id, obj.get("state"))
            elif obj.get("deleted") is True:
                raise BadValue("in the trash; not imported")
            else:
                source.rows.append(build_row(where, _card_fields(obj), "mdy"))
        except BadValue as exc:
            source.problems.append(Problem(where, str(exc)))
    return source
