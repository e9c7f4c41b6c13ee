"""Build-time and test-time helpers for Backprop, Checked (not shown to readers)."""
