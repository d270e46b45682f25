"""Cards: the merge rules of the replicated state, the card view, the board, and typed values.

Owns the meaning of the data: `model` (the state-based CRDT, the `Card` view and the one check
of card states that come from elsewhere, pure functions), `clock` (hybrid logical clock
stamps), `board` (the merged state in memory and the writes a user can make), and the one
vocabulary of card fields that the CLI, the card form and the importer share: `fields` (people,
lists, the check of every value written), `dates` (every date and time a person or a
spreadsheet writes) and `stages` (the stage and outcome names, words and synonyms).
Must never do I/O beyond what `board` is handed, and never know about files or keys.
"""
