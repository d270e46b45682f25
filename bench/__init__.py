"""Benchmarks that print figures beside a baseline measured in the same run (`make bench`).

Tests never assert wall-clock times; these numbers are for people to read and compare.
"""
