"""The `truyxuat` console command: Django's manage.py for this project."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "truyxuat.settings")
    from core.diskmodes import start_up

    start_up()  # umask 077 before anything is written: the database, uploads, caches and keys stay private
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
