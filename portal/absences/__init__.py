"""Absence, substitutes called in, long leave, attendance and quorum (rules 1.6–1.8, 3.1,
3.7, 3.9)."""
