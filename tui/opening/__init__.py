"""Opening the vault: the first run on a new device, and the unlock prompt on every launch after.

Each returns the opened session (`dismiss`); the app shows the board. Neither calls into the app.
"""
