"""The data and its meaning, in rooms by concern; nothing here knows how files travel.

- `store.vault`: the vault folder's secrets and files: the header and keys (`crypto`), where a
  passphrase comes from, one device's replica file, and the session that opens them.
- `store.cards`: what a card is and how replicas merge: the CRDT (`model`), stamps (`clock`),
  the in-memory board, and the one parser per kind of value a user types (`fields`, `dates`).
- `store.notes`: the follow-up letters: due rules, templates, sandboxed rendering, and the
  flow's writes (a letter sent, an answer, a next round).
- `store.transfer`: the board in and out: import, export, iCalendar, and the numbers of the
  search so far.

On the ground floor, shared by every room: `errors` (what a user is told), `untrusted`
(reading what nobody vouches for), `files` (durable writes) and `config` (this device's
settings). Rooms depend one way: transfer -> notes -> cards, and vault -> cards.

Nothing here may import Textual, `tui` or `sync`: the store must run headless and must not
know how files travel between machines.
"""
