"""The vault folder as a synced folder: naming its files, watching it, merging what arrives.

Depends on `store` only; never imports textual or tui (the board talks to it through callbacks).
"""
