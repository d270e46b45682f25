"""One card: everything on it (detail, with conflicts to resolve) and the form that edits it.

These screens return the id of a card they changed; they never import or drive the board.
"""
