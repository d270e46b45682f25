"""How the app compares what people wrote: case, accents and company names, one way everywhere.

- `fold`: text as a search compares it: "Société Générale" and "societe generale" are the same,
  so are "Straße" and "strasse", "Ørsted" and "orsted"; runs of spaces and line breaks are one
  space, none at either end. (A few letters that have no decomposition spelled out, Unicode
  NFKD, `casefold`, then the Latin diacritics dropped.) Scripts other than Latin keep their marks.
- `fold_map`: the same folding, with where each folded character came from in the original, so
  a match found in folded text can be marked in the text as it is shown.
- `company_key`: a company's name as the same employer, however a card spells it:
  "ACME, Inc.", "Acme Inc" and "acme" are one company; "Acme Labs" is another.

Pure functions, no I/O; this module must never import anything of the app but the standard
library (the card model, the people, the search and the importer all use it).
"""

from __future__ import annotations

import re
import unicodedata

# The combining marks of Latin, Greek and Cyrillic (accents, cedillas, umlauts, tonos...), as
# NFKD leaves them after their letter. Marks of other scripts are letters there: they stay.
_DIACRITICS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# Letters NFKD does not take apart, as people type them on a keyboard without them.
_SPELLED = {
    "ø": "o",
    "Ø": "o",
    "đ": "d",
    "Đ": "d",
    "ł": "l",
    "Ł": "l",
    "æ": "ae",
    "Æ": "ae",
    "œ": "oe",
    "Œ": "oe",
    "ı": "i",
    "þ": "th",
    "Þ": "th",
    "ħ": "h",
    "Ħ": "h",
}
# A search of the few (C speed), not `str.translate`: a board's first search folds every card,
# and translate walks each character of a text that is not ASCII in Python's slow path.
_UNSPELLED = re.compile("[" + "".join(_SPELLED) + "]")


def _spell(match: re.Match[str]) -> str:
    return _SPELLED[match[0]]


def fold(text: str) -> str:
    """`text` as a search compares it (see the module's docstring)."""
    if text.isascii():
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", _UNSPELLED.sub(_spell, text)).casefold()
    return " ".join(_DIACRITICS.sub("", decomposed).split())


def _fold_char(char: str) -> str:
    if char.isascii():
        return char.lower()
    return fold(char) if not char.isspace() else " "


def fold_map(text: str) -> tuple[str, list[int]]:
    """`fold(text)` and, for each of its characters, the index in `text` it came from.

    One character may fold to several ("ß" → "ss": both map to it) or to none (a combining
    accent: its letter carries it). A run of spaces folds to one, mapped to its first.
    """
    out: list[str] = []
    origin: list[int] = []
    previous_space = False
    for index, char in enumerate(text):
        if char.isspace():
            if not previous_space:
                out.append(" ")
                origin.append(index)
            previous_space = True
            continue
        previous_space = False
        folded = _fold_char(char)
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


# Words that say what kind of company it is, not which: dropped from the end of a name.
LEGAL_FORMS: frozenset[str] = frozenset(
    {
        "inc",
        "incorporated",
        "llc",
        "llp",
        "lp",
        "ltd",
        "limited",
        "plc",
        "corp",
        "corporation",
        "co",
        "company",
        "gmbh",
        "mbh",
        "ag",
        "kg",
        "kgaa",
        "ohg",
        "ug",
        "ev",
        "se",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "oy",
        "oyj",
        "ab",
        "as",
        "asa",
        "aps",
        "pty",
        "pvt",
        "kk",
        "sl",
        "sro",
    }
)
_NOT_WORD = re.compile(r"[\W_]+")


def company_key(name: str) -> str:
    """A company's identity: folded, punctuation gone, legal forms dropped from the end.

    "ACME, Inc." → "acme"; "Wayne Enterprises GmbH & Co. KG" → "wayne enterprises";
    "The Acme Company" → "acme"; "Société Générale S.A." → "societe generale". A name that is nothing but a legal form keeps it ("AG").
    """
    words = _NOT_WORD.sub(" ", fold(name).replace(".", "")).split()  # "S.A." is "SA"
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    kept = list(words)
    while kept and kept[-1] in LEGAL_FORMS:
        kept.pop()
    return " ".join(kept or words)
