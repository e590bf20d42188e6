#!/usr/bin/env python
"""Convenience entry point; the installed console command is `truyxuat`."""

from truyxuat.manage import main

if __name__ == "__main__":
    main()
