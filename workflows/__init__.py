"""Temporal workflows, one per lifecycle (entry, processing, clearance, export, transfer).

Deterministic: no I/O, no lxml, no database. Arrives with the workflows issue (#4).
"""
