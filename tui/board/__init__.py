"""The board: the main screen, its five stage columns, the card faces drawn in them, the sync
status line, and the modals the board opens itself (closing a card, the keys).

The board is the parent of the card and follow-up screens: it opens them and acts on what they
return. Nothing here imports the app or `tui.cli`.
"""
