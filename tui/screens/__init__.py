"""The app's screens: first run, unlock, the board, card detail and edit, and their modals."""
