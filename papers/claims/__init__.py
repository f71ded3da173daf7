"""Mechanism claims: what a paper says one tag does to another, with its sentence (docs/claims.md)."""
