"""What the bench scripts share (not scripts themselves: nothing here is run)."""
