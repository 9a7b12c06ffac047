"""Writes of the management cycle: each function is one transaction with its audit entries."""
