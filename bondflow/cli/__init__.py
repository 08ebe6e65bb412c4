"""The `bondflow` command."""
