"""The shared vocabulary of bondflow: pydantic models for documents, master data and
ledger requests. No I/O here; every other package imports from it."""
