"""Temporal activities: thin, idempotent calls into the ledger and the adapters.

Arrives with the workflows issue (#4).
"""
