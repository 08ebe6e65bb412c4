"""API users and their tokens, for an admin."""
