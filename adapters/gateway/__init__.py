"""Single-window OutBox/InBox file exchange and the customs simulator. Arrives with issue #3."""
