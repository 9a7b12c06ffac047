"""The `msoko` console script: Django management with msoko's settings preset."""

from __future__ import annotations

import os
import sys


def _take_data_dir(argv: list[str]) -> list[str]:
    """`--data-dir DIR` anywhere on the line sets MSOKO_DATA_DIR before settings load."""
    out: list[str] = []
    skip = False
    for i, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg == "--data-dir" and i + 1 < len(argv):
            os.environ["MSOKO_DATA_DIR"] = argv[i + 1]
            skip = True
        elif arg.startswith("--data-dir="):
            os.environ["MSOKO_DATA_DIR"] = arg.split("=", 1)[1]
        else:
            out.append(arg)
    return out


def main(argv: list[str] | None = None) -> None:
    args = _take_data_dir(list(argv if argv is not None else sys.argv[1:]))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msoko.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["msoko", *args])


if __name__ == "__main__":
    main()
