from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Phê duyệt trước công bố")

    def ready(self) -> None:
        from ledger.choices import LeafKind
        from ledger.records import register
        from reviews.models import Review
        from reviews.records import review_payload

        register(LeafKind.REVIEW, Review, review_payload)
