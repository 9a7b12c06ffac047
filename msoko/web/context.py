"""Template context shared by every page: the year selector and the user's scope."""

from __future__ import annotations


def shell(request) -> dict:
    from msoko.web.shell import shell_context

    return shell_context(request)
