"""Signals the diary sends inside its write transaction; `rules` listens (the diary never imports rules).

`entry_recorded(sender=DiaryEntry, entry=..., actor=...)` is sent once per new entry (not for a replayed
`client_id`), before the transaction commits, so a rule decision it causes commits with the entry.
"""

from django.dispatch import Signal

entry_recorded = Signal()
