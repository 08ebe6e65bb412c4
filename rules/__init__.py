"""Pure, deterministic customs rules: no I/O, safe to call from workflows and tests."""
