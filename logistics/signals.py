"""Signals sent inside logistics write transactions; `rules` listens (logistics never imports rules).

`lots_changed(sender, lots=[Lot, …], actor=..., trigger="harvest"|"transformation"|"packing"|"shipping"|
"receiving")`: new or moved lots whose rule decisions may change; receivers run before commit.
"""

from django.dispatch import Signal

lots_changed = Signal()
