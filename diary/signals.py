"""Signals the diary sends inside its write transaction; `rules` listens (the diary never imports rules).

`entry_recorded(sender=DiaryEntry, entry=..., actor=...)` is sent once per new entry (not for a replayed
`client_id`), before the transaction commits, so a rule decision it causes commits with the entry.
`entry_corrected(sender=DiaryEntry, original=..., corrective=... or None, actor=...)` is sent when an entry is
corrected or voided (`diary.corrections`), in the same transaction: the rules re-check the lots either touches.
"""

from django.dispatch import Signal

entry_recorded = Signal()
entry_corrected = Signal()
