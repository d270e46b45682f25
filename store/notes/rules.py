"""Due rules as data: what a template's (or the close rule's) `due:` says, read and checked.

A rule is a starting point on the card (`after`), how long after it (`hours`, `days` or
`weeks`), optionally a time of day (`at`) and when to stop reminding (`drop_after_days`);
`parse_rules` reads what a YAML file holds and names the key of any mistake (`BadRule.where`),
so the loader can point at its line. Pure functions: no clock, no file, no card.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from store.errors import FollowupError

ANCHORS: dict[str, str] = {
    "interview": "the interview",
    "last_contact": "the last contact",
    "promised_by": "the promised answer date",
    "closed": "closing the card",
    "answered": "the employer's last answer",
    "answer_by": "the day to answer the offer by",
}
UNITS: tuple[str, ...] = ("hours", "days", "weeks")
RULE_KEYS: frozenset[str] = frozenset({"after", "at", "drop_after_days", *UNITS})
MAX_AMOUNT = {"hours": 24 * 366, "days": 366, "weeks": 53}


class BadRule(FollowupError):
    """A `due:` rule that cannot be understood; `where` is the path of keys it concerns."""

    def __init__(self, message: str, where: tuple[str | int, ...] = ()) -> None:
        self.where = where
        super().__init__(message)


@dataclass(frozen=True)
class DueRule:
    after: str
    amount: int
    unit: str  # hours | days | weeks
    at: time | None = None
    drop_after_days: int | None = None

    @property
    def day_long(self) -> bool:
        return self.unit != "hours" and self.at is None

    def describe(self) -> str:
        """The rule in words, for lists and the calendar ("7 days after the last contact")."""
        if self.after == "promised_by" and self.unit == "days" and self.amount == 1:
            text = "the day after the promised answer date"
        elif self.after == "answer_by" and self.amount == 0:
            text = ANCHORS["answer_by"]
        else:
            unit = {"hours": "h", "days": "days", "weeks": "weeks"}[self.unit]
            if self.amount == 1 and self.unit != "hours":
                unit = unit[:-1]
            text = f"{self.amount} {unit} after {ANCHORS[self.after]}"
        if self.at is not None:
            text += f", at {self.at:%H:%M}"
        return text

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"after": self.after, self.unit: self.amount}
        if self.at is not None:
            data["at"] = f"{self.at:%H:%M}"
        if self.drop_after_days is not None:
            data["drop_after_days"] = self.drop_after_days
        return data


def _count(value: Any, key: str, where: tuple[str | int, ...], most: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRule(f"{key} must be a whole number, not {value!r}.", (*where, key))
    if not 0 <= value <= most:
        raise BadRule(f"{key} must be between 0 and {most}, not {value}.", (*where, key))
    return value


def _time_of_day(value: Any, where: tuple[str | int, ...]) -> time:
    # YAML reads an unquoted 09:00 as a number of minutes (sexagesimal): accept that too.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)
    text = str(value).strip()
    try:
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise BadRule(
            f'at must be a time of day like "09:00", not {value!r}.', (*where, "at")
        ) from None


def parse_rule(data: Any, where: tuple[str | int, ...] = ()) -> DueRule:
    if not isinstance(data, dict):
        raise BadRule(
            "a due rule is a mapping like {after: interview, hours: 24}, "
            f"not {type(data).__name__}.",
            where,
        )
    unknown = sorted(str(k) for k in data if k not in RULE_KEYS)
    if unknown:
        raise BadRule(
            f"unknown key {unknown[0]!r} in a due rule; keys are: after, hours, days, weeks, "
            "at, drop_after_days.",
            (*where, unknown[0]),
        )
    after = data.get("after")
    if after not in ANCHORS:
        raise BadRule(
            f"after must be one of {', '.join(ANCHORS)}, not {after!r}.", (*where, "after")
        )
    units = [u for u in UNITS if u in data]
    if len(units) != 1:
        raise BadRule(
            "a due rule needs exactly one of hours, days or weeks "
            f"(found {', '.join(units) or 'none'}).",
            where,
        )
    unit = units[0]
    amount = _count(data[unit], unit, where, MAX_AMOUNT[unit])
    at = None
    if data.get("at") is not None:
        if unit == "hours":
            raise BadRule("at goes with days or weeks, not hours.", (*where, "at"))
        at = _time_of_day(data["at"], where)
    drop = data.get("drop_after_days")
    if drop is not None:
        drop = _count(drop, "drop_after_days", where, 366)
    return DueRule(after=after, amount=amount, unit=unit, at=at, drop_after_days=drop)


def parse_rules(data: Any) -> tuple[DueRule, ...]:
    """`due:` as written in a template: nothing, one rule, or a list tried in order."""
    if data is None:
        return ()
    if isinstance(data, list):
        if not data:
            raise BadRule("due is an empty list; remove it or give at least one rule.")
        return tuple(parse_rule(item, (i,)) for i, item in enumerate(data))
    return (parse_rule(data),)
