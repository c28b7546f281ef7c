"""Companions of Part IV: Putting it together."""
