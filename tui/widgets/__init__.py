"""Widgets every area's screens share (the key bar). A widget of one area lives in that area."""
