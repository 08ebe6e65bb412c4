"""Temporal activities: the only place where lifecycles touch the database, the ledger
and the exchange folders. Each is idempotent: keys come from the workflow id and
the step, so a retry or a second worker finds the first attempt's effect."""
