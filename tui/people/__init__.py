"""People: every interviewer and contact across the cards, once each (`P` on the board)."""
