"""This device's settings, reached from the board: the profile notes are signed with, and the
vault's passphrase. They live outside the board's cards (the profile in this device's config,
never in the vault); nothing here imports the board or `tui.cli`.
"""
