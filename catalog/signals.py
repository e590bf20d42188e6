"""Signals the catalogue sends after its writes commit; other apps react without the catalogue importing them."""

from django.dispatch import Signal

# Sent after a lot's submission for review has committed, with `lot`. The reviews app auto-approves it
# when the province's review policy for its category allows (see reviews.services.auto_review_lot).
lot_submitted = Signal()
