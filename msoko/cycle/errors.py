"""Errors of the management cycle: a rule was broken; the message is for the user, in Russian."""

from __future__ import annotations


class CycleError(ValueError):
    """A request that would break a rule of the cycle; nothing was changed."""
