"""The Textual app and, as its outer layer, the command line.

    app.py       the app: the command palette, themes, what it tells the screens
    context.py   what every screen reads (session, templates, clock, due badges, config)
    launch.py    which vault the board opens, and opening it; crash.py: one-line errors
    board/       the main screen: columns, card faces, sync status, its own modals
    card/        one card in full, and its form
    followups/   Today, compose (and the $EDITOR hand-off), answered, rejected
    opening/     first run and unlock
    history.py   undo and redo of every change made since the board opened
    insight/     how the search is going (and the export dialog)
    offers/      the offers side by side;  people/: everyone on the cards, once each
    settings/    the profile form and the passphrase change
    handoff/     the mail client, the clipboard, the calendar file (no Textual)
    widgets/     what every area shares (the key bar, choice lists)
    cli/         `followup-tui COMMAND`: imports the rest; the rest must never import it

Importing this package must not import Textual: `followup-tui list` should start as fast as a
plain Python script.
"""
