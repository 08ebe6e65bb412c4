"""The HTTP API: FastAPI over the ledger, the master data and the lifecycle workflows.

Reads come from the database and Temporal queries; actions go through Temporal
updates. One folder per domain (endpoints + schemas), shared plumbing beside them.
"""
