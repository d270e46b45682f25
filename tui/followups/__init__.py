"""What to write and when: Today's list of notes due, composing a letter from a template (with
the hand-off to `$EDITOR`), and the two moments that change the follow-up clock (the employer
answered; the card closed as rejected).

These screens return what they did (a card id, "reply"); they never import or drive the board.
"""
