from __future__ import annotations


def shell_context(request) -> dict:
    return {}
