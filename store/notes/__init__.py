"""The letters the app helps write: when each is due, its template, and its sandboxed rendering.

Owns `due` (due rules as pure functions of a card and a moment), `templates` (the YAML files,
their loading and last good versions), `placeholders` (what a letter may read of a card, as
plain data), `render` (the Jinja2 sandbox) and `flow` (the writes of the follow-up flow: a
letter sent, an answer, a round, a close). "Notes" here is the room's
name from the design; a card's `notes` field is the user's private text and never a letter.
Must never read the clock itself (the moment is passed in) nor write a replica directly.
"""
