from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Phê duyệt trước công bố")

    def ready(self) -> None:
        from catalog.models import Lot
        from catalog.signals import lot_submitted
        from ledger.choices import LeafKind
        from ledger.records import register
        from reviews.models import Review
        from reviews.records import review_payload
        from reviews.services import on_lot_submitted

        register(LeafKind.REVIEW, Review, review_payload)
        lot_submitted.connect(on_lot_submitted, sender=Lot, dispatch_uid="reviews.auto_review_lot")
