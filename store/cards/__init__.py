"""Cards: the merge rules of the replicated state, the card view, the board, and typed values.

Owns the meaning of the data: `model` (the state-based CRDT and the `Card` view, pure
functions), `clock` (hybrid logical clock stamps), `board` (the merged state in memory and the
writes a user can make), `dates` and `fields` (one parser per kind of value a person types).
Must never do I/O beyond what `board` is handed, and never know about files or keys.
"""
