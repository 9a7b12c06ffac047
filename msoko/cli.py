"""The `msoko` console script: Django management with msoko's settings preset."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msoko.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["msoko", *(argv if argv is not None else sys.argv[1:])])


if __name__ == "__main__":
    main()
