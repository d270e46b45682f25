"""Reading a CSV file: its delimiter, its header line, its columns, then each row.

Forgiving about what people's spreadsheets look like (semicolons, tabs, title lines above the
header, blank lines, quoted line breaks, a formula guard from our own export) and strict about
rows: a row with more cells than the header, or one that does not read as a card, is a
`Problem` with its line number. Must never write anything.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator

from store.cards.dates import NUMERIC_DATE, infer_date_order
from store.cards.stages import compact
from store.errors import BadValue, FollowupError
from store.transfer.importer.headers import IGNORE, field_for_header
from store.transfer.importer.rows import Problem, build_row
from store.transfer.importer.source import Progress, Source, decode
from store.untrusted import MAX_IMPORT_BYTES, from_spreadsheet_cell

_DELIMITERS = (",", ";", "\t", "|")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _records(text: str, delimiter: str, name: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with the line it starts on (quoted newlines span lines; blanks skipped)."""
    csv.field_size_limit(MAX_IMPORT_BYTES)  # a field may be as long as a file may be
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        skipinitialspace=False,
        strict=False,
    )
    previous = 0
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if any(cell.strip() for cell in record):
                yield start, record
    except csv.Error as exc:
        raise FollowupError(
            f"{name}, line {reader.line_num}: cannot be read as CSV ({exc})."
        ) from None


def _known(header: list[str], mapping: dict[str, str]) -> int:
    return sum(1 for cell in header if compact(cell) in mapping or field_for_header(cell))


def choose_delimiter(text: str, mapping: dict[str, str]) -> str:
    """The delimiter whose header names the most known columns; csv.Sniffer breaks ties."""
    sample = text[:65536]
    try:
        # The Sniffer's regexes grow fast with the sample: a few kilobytes are plenty for it.
        head = sample[:4096]
        sniffed: str | None = csv.Sniffer().sniff(head, delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None

    def score(delimiter: str) -> tuple[int, int, int, bool]:
        try:
            records = [rec for _, rec in itertools.islice(_records(sample, delimiter, ""), 30)]
        except FollowupError:
            return (0, 0, 0, False)
        if not records:
            return (0, 0, 0, False)
        header = max(records[:10], key=lambda r: _known(r, mapping))
        width = len(header)
        steady = sum(1 for r in records if len(r) == width) if width > 1 else 0
        return (_known(header, mapping), steady, width, delimiter == sniffed)

    return max(_DELIMITERS, key=score)


def _map_columns(
    header: list[str], mapping: dict[str, str], name: str
) -> tuple[list[str | None], list[str]]:
    """Each column's field (None: ignored) and notes on columns left out."""
    keys = [compact(h) for h in header]
    for column in mapping:
        if column not in keys:
            shown = ", ".join(repr(h) for h in header if h.strip())
            raise BadValue(f"--map: {name} has no column {column!r}; its columns are: {shown}.")
    claims: dict[str, tuple[int, int]] = {}  # field → (rank, column index)
    for index, (cell, key) in enumerate(zip(header, keys, strict=True)):
        if key in mapping:
            target = mapping[key]
            if target != IGNORE:
                claims[target] = (-1, index)  # --map always wins
            continue
        guess = field_for_header(cell)
        if guess is None:
            continue
        target, rank = guess
        if target not in claims or rank < claims[target][0]:
            claims[target] = (rank, index)
    fields: list[str | None] = [None] * len(header)
    for target, (_, index) in claims.items():
        fields[index] = target
    notes = []
    ignored = [h for h, f in zip(header, fields, strict=True) if f is None and h.strip()]
    if ignored:
        notes.append(
            "Ignored columns: "
            + ", ".join(repr(h) for h in ignored)
            + ' (use --map "COLUMN=field" to import one).'
        )
    return fields, notes


def read_csv(
    data: bytes,
    name: str,
    mapping: dict[str, str] | None = None,
    date_order: str = "auto",
    progress: Progress | None = None,
    preferred_order: str | None = None,
) -> Source:
    mapping = mapping or {}
    text, encoding = decode(data, name)
    delimiter = choose_delimiter(text, mapping)
    source = Source(name=name, kind="csv")
    records = _records(text, delimiter, name)
    leading = [rec for _, rec in itertools.islice(records, 10)]
    if not leading:
        raise FollowupError(f"{name}: holds no rows; nothing to import.")
    all_records = _records(text, delimiter, name)
    header_index = max(range(len(leading)), key=lambda i: (_known(leading[i], mapping), -i))
    for _ in range(header_index):
        next(all_records)
    header_line, header = next(all_records)
    columns, notes = _map_columns(header, mapping, name)
    source.columns = list(zip(header, columns, strict=True))
    if "company" not in columns:
        shown = ", ".join(repr(h) for h in header if h.strip())
        raise FollowupError(
            f"{name}: no column says which company (columns: {shown}); "
            'name one with --map "COLUMN=company".'
        )
    source.notes.append(
        f"{name}: {encoding}, {_DELIMITER_NAMES[delimiter]}-separated, header on line {header_line}."
    )
    mapped = ", ".join(f"{h!r} → {f}" for h, f in source.columns if f)
    source.notes.append(f"Columns: {mapped}.")
    source.notes.extend(notes)
    rows = list(all_records)
    source.records = len(rows)
    order = date_order
    if order == "auto":
        date_columns = [i for i, f in enumerate(columns) if f in ("interviewed_at", "promised_by")]
        found = (r[i] for _, r in rows for i in date_columns if i < len(r))
        # The user's own way (config.yaml, the locale), else what the delimiter suggests:
        # semicolons are what spreadsheets write where the comma is the decimal sign.
        fallback = preferred_order or ("dmy" if delimiter == ";" else "mdy")
        order = infer_date_order(found, fallback)
        if any(
            NUMERIC_DATE.match(r[i].strip()) for _, r in rows for i in date_columns if i < len(r)
        ):
            words = "day/month/year" if order == "dmy" else "month/day/year"
            other = "mdy" if order == "dmy" else "dmy"
            source.notes.append(
                f"Dates like 03/04/2025 read as {words} (--date-order {other} reads them the other way)."
            )
    width = len(header)
    for done, (line, record) in enumerate(rows, start=1):
        if progress and done % 500 == 0:
            progress("reading rows", done, len(rows))
        where = f"line {line}"
        extra = [c for c in record[width:] if c.strip()]
        if extra:
            source.problems.append(
                Problem(
                    where,
                    f"{len(record)} cells but the header has {width} "
                    "(a comma inside a value that is not in quotes?)",
                )
            )
            continue
        values = {
            f: from_spreadsheet_cell(record[i])  # our CSV export's `'=…` back to `=…`
            for i, f in enumerate(columns)
            if f and i < len(record)
        }
        try:
            source.rows.append(build_row(where, values, order))
        except BadValue as exc:
            source.problems.append(Problem(where, str(exc)))
    if progress and rows:
        progress("reading rows", len(rows), len(rows))
    return source
