"""Bringing cards in from a spreadsheet's CSV, another tracker's export, or our own JSON backup.

Reading a file and planning what it would change touch nothing: the board is only written by
`apply`, which the CLI runs inside one `Session.change` (one replica write, however many rows).
Forgiving about what people's files look like (a BOM, semicolons, blank lines, headers like
"Employer" or "Interview Date", stages like "Thank you sent"), strict about what goes in: a row
that does not make sense is reported with its line number and skipped, never guessed at.
Cells are read by the one vocabulary of card fields (`store.cards.fields`, `.dates`,
`.stages`), the same parsers the CLI and the card form use.

The rooms, in the order an import runs through them:
- `headers`: which field a column header means; `--map "COLUMN=field"`.
- `source`: the `Source` a reader fills; decoding the bytes.
- `csv_file`, `backup`: the CSV reader; the JSON reader (backup or `list --json`).
- `reading`: which reader a file needs (`read_source`).
- `rows`: a row's cells as a card (`build_row`), and the key that finds it again.
- `planning`: what a `Source` would change on a board (`plan`).
- `applying`: carrying a plan out (`apply`), restoring a backup's templates.

It must never: write anything in a dry run; clear a value the file leaves empty; move a card
back to an earlier stage; create a second card for a row imported before (each row has a
stable key, kept on the card's timeline as an "imported" event); overwrite a template file.
"""

# What the CLI, the exporter and the bench use; and, for tests of how cells are read, the
# parsers of `store.cards` an import reads them with.
from store.cards.dates import DATE_ORDERS, infer_date_order, parse_moment
from store.cards.fields import split_people
from store.cards.model import check_state
from store.cards.stages import parse_stage
from store.transfer.importer.applying import apply, restore_templates
from store.transfer.importer.backup import BACKUP_FORMAT
from store.transfer.importer.csv_file import read_csv
from store.transfer.importer.headers import IMPORT_FIELDS, field_for_header, parse_mapping
from store.transfer.importer.planning import Plan, plan
from store.transfer.importer.reading import read_input, read_source
from store.transfer.importer.source import Source

__all__ = [
    "BACKUP_FORMAT",
    "DATE_ORDERS",
    "IMPORT_FIELDS",
    "Plan",
    "Source",
    "apply",
    "check_state",
    "field_for_header",
    "infer_date_order",
    "parse_mapping",
    "parse_moment",
    "parse_stage",
    "plan",
    "read_csv",
    "read_input",
    "read_source",
    "restore_templates",
    "split_people",
]
