"""Insured persons (placeholder until the people module lands)."""
