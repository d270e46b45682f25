"""The Textual app and the command line. Importing this package must not import Textual:
`followup-tui list` should start as fast as a plain Python script.
"""
