"""Widgets of the board and the pure helpers that decide what they show."""
