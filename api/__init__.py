"""FastAPI status API for filers, liaison staff and auditors. Arrives with issue #5."""
