"""Applying a plan: the cards it creates and the changes it makes, through the board only.

The CLI runs `apply` inside one `Session.change`, so however many rows a file holds, the
replica is written once. Each new card remembers the key of its row (an "imported" event on
its timeline), so importing the same file again updates it instead of making a second card.
Must never overwrite a template file: a backup's template is restored only where none is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from store.cards.board import Board
from store.files import atomic_write, ensure_folder
from store.transfer.importer.planning import Plan
from store.transfer.importer.rows import IMPORTED
from store.transfer.importer.source import Progress, Source


@dataclass
class Outcome:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def apply(board: Board, the_plan: Plan, progress: Progress | None = None) -> Outcome:
    """Carry out a plan on the board (the caller makes it durable in one write)."""
    done = Outcome()
    source = the_plan.source
    if source.kind == "backup":
        wanted = set(the_plan.new_cards) | set(the_plan.changed_cards)
        if wanted:
            states = {cid: s for cid, s in source.states.items() if cid in wanted}
            board.merge({"cards": states, "devices": source.devices})
        done.created, done.updated = list(the_plan.new_cards), list(the_plan.changed_cards)
        return done
    total = len(the_plan.create) + len(the_plan.update)
    step = 0
    for row in the_plan.create:
        fields = dict(row.fields)
        if row.stage:
            fields["stage"] = row.stage
        if row.outcome:
            fields["outcome"] = row.outcome
        card_id = board.add(fields)
        board.log(card_id, IMPORTED, key=row.key, source=source.name, row=row.where)
        done.created.append(card_id)
        step += 1
        if progress and step % 500 == 0:
            progress("writing cards", step, total)
    for update in the_plan.update:
        if update.changes:
            board.edit(update.card_id, update.changes)
        if update.move:
            board.move(update.card_id, update.move[0], outcome=update.move[1])
        done.updated.append(update.card_id)
        step += 1
        if progress and step % 500 == 0:
            progress("writing cards", step, total)
    if progress and total >= 500:
        progress("writing cards", total, total)
    return done


def restore_templates(templates_dir: Path, source: Source, names: Iterable[str]) -> list[str]:
    """Write a backup's templates that the vault lacks; an existing file is never touched."""
    restored = []
    for name in names:
        target = Path(templates_dir) / name
        if target.exists() or target.is_symlink() or name not in source.templates:
            continue  # never written through a link, even one pointing nowhere
        ensure_folder(target.parent, private=True)
        atomic_write(target, source.templates[name].encode("utf-8"), mode=0o644)
        restored.append(name)
    return restored
