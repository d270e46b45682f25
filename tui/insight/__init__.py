"""Insight: how the search is going, drawn from the same numbers as `followup-tui stats`."""
