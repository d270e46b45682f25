"""The data and its meaning: cards, stages, clocks, merge, vault crypto, replicas, templates, due dates.

Nothing here may import Textual, `tui` or `sync`: the store must run headless and must not
know how files travel between machines.
"""
