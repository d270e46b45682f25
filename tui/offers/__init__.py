"""Offers: the open and recent offers side by side, soonest deadline first (`O` on the board)."""
