"""Temporal glue outside workflow code: the client, search attributes, the receipt sink."""
