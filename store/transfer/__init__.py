"""The board in and out: import, export, iCalendar, and the numbers of the search so far.

Reading a file and planning an import touch nothing; only `importer.apply` writes, through the
board. Exports are pure functions from cards to text: where the text goes is the caller's.
Must never write into the synced vault folder except through the board.
"""
