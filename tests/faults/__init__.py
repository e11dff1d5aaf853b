"""The fault-injection suite (see harness.py)."""
