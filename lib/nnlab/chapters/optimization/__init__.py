"""Companions of Part II: Optimization algorithms."""
